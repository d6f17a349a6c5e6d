// SPDX-License-Identifier: GPL-3.0-or-later
// Naming conventions (core/match_conventions.hpp): Linux compares exactly, Windows ignores ASCII
// case, makes '.exe' optional in a NAME and reads '\' as a separator.

#include <gtest/gtest.h>

#include <string>

#include "core/match_conventions.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using test_support::on_linux;
using test_support::on_windows;

TEST(MatchConventions, LinuxIsTodaysExactBehaviour) {
    EXPECT_FALSE(on_linux.ignore_case);
    EXPECT_TRUE(on_linux.optional_executable_suffix.empty());
    EXPECT_FALSE(on_linux.backslash_separates);
    EXPECT_EQ(on_linux.accounts, MatchConventions::Accounts::posix);
    EXPECT_FALSE(on_linux.hosted_services);
}

TEST(MatchConventions, FoldsAsciiLettersOnly) {
    EXPECT_EQ(fold_ascii_case("C:\\Windows\\INETINFO.EXE"), "c:\\windows\\inetinfo.exe");
    // Bytes of UTF-8 letters are left alone: "É" stays as it is.
    EXPECT_EQ(fold_ascii_case("\xc3\x89T\xc3\xa9"), "\xc3\x89t\xc3\xa9");
    EXPECT_EQ(fold_ascii_case("[A-Z]@`{"), "[a-z]@`{");
}

struct NameCase {
    std::string entry;
    std::string basename;
    bool on_linux;
    bool on_windows;
};

TEST(MatchConventions, ProgramNameTable) {
    const NameCase cases[] = {
        {"nginx", "nginx", true, true},
        {"Nginx", "nginx", false, true},
        {"inetinfo", "inetinfo.exe", false, true},
        {"inetinfo.exe", "inetinfo.exe", true, true},
        {"INETINFO.EXE", "inetinfo.exe", false, true},
        {"inetinfo", "INETINFO.EXE", false, true},
        {"inetinfo.exe", "inetinfo", false, true},  // a file run without the suffix
        {"inetinfo", "inetinfo.com", false, false},
        {"inetinfo", "inetinfo.exe.bak", false, false},
        {"inetinfo.ex", "inetinfo.exe", false, false},
        {"rogue", "inetinfo.exe", false, false},
        {"inetinf", "inetinfo.exe", false, false},
        {"exe", "exe", true, true},
        {".exe", "x.exe", false, false},  // the suffix alone is not a name
        {"x", ".exe", false, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.entry + " vs " + c.basename);
        EXPECT_EQ(program_name_matches(c.entry, c.basename, on_linux), c.on_linux);
        EXPECT_EQ(program_name_matches(c.entry, c.basename, on_windows), c.on_windows);
    }
}

TEST(MatchConventions, Basename) {
    EXPECT_EQ(path_basename("/usr/sbin/nginx", on_linux), "nginx");
    EXPECT_EQ(path_basename("/opt/odd\\name", on_linux), "odd\\name");
    EXPECT_EQ(path_basename("C:\\Windows\\System32\\svchost.exe", on_windows), "svchost.exe");
    EXPECT_EQ(path_basename("C:/Program Files/x/y.exe", on_windows), "y.exe");
    EXPECT_EQ(path_basename("C:\\a/b\\c.exe", on_windows), "c.exe");
    EXPECT_EQ(path_basename("plain", on_windows), "plain");
}

struct PathCase {
    std::string pattern;
    std::string path;
    bool on_linux;
    bool on_windows;
};

TEST(MatchConventions, PathPatternTable) {
    const std::string inetinfo = "C:\\Windows\\System32\\inetsrv\\inetinfo.exe";
    const PathCase cases[] = {
        {"/usr/sbin/nginx", "/usr/sbin/nginx", true, true},
        {"/usr/sbin/Nginx", "/usr/sbin/nginx", false, true},
        {"/usr/sbin/*", "/usr/sbin/nginx", true, true},
        {"/usr/sbin/\\*", "/usr/sbin/*", true, false},  // Windows: '\' is no escape
        {inetinfo, inetinfo, false, true},              // Linux: '\W' escapes 'W'
        {"C:/Windows/System32/inetsrv/inetinfo.exe", inetinfo, false, true},
        {"c:\\windows\\system32\\INETSRV\\INETINFO.EXE", inetinfo, false, true},
        {"C:\\Windows\\*\\inetinfo.exe", inetinfo, false, true},
        {"C:\\Windows\\System32\\inetsrv\\*.exe", inetinfo, false, true},
        {"C:\\Windows\\System32\\inetsrv\\inetinfo.ex?", inetinfo, false, true},
        {"C:\\Windows\\System32\\inetsrv\\[a-j]netinfo.exe", inetinfo, false, true},
        {"C:\\Windows\\System32\\inetsrv\\[A-J]netinfo.exe", inetinfo, false, true},
        {"C:\\Windows\\System32\\inetsrv\\inetinfo.exe", "C:\\Users\\m\\inetinfo.exe", false,
         false},
        {"C:\\Windows\\System32\\inetsrv\\inetinfo", inetinfo, false, false},  // no suffix here
        {"D:\\Windows\\System32\\inetsrv\\inetinfo.exe", inetinfo, false, false},
        {"C:\\Program Files\\[[]x]\\srv.exe", "C:\\Program Files\\[x]\\srv.exe", false, true},
        {"C:\\Users\\*", "C:\\Users\\mallory\\rogue.exe", false, true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.pattern + " vs " + c.path);
        EXPECT_EQ(path_pattern_matches(c.pattern, c.path, on_linux), c.on_linux);
        EXPECT_EQ(path_pattern_matches(c.pattern, c.path, on_windows), c.on_windows);
    }
}

}  // namespace
}  // namespace port_owner
