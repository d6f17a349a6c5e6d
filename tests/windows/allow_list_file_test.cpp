// SPDX-License-Identifier: GPL-3.0-or-later
// An allow-list file as a Windows admin writes it (Notepad: CRLF line ends) with Windows paths,
// read from a path with a drive letter. A CR left on a value would make every exe: entry miss.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_holder.hpp"
#include "harness/temp_dir.hpp"
#include "harness/wide_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace windows_tests {
namespace {

std::string allow_list(unsigned short port, const std::wstring& allowed_executable) {
    return "# written on Windows\r\n"
           "missing = critical\r\n"
           "unexpected = critical\r\n"
           "\r\n"
           "[tcp/" +
           std::to_string(port) +
           "]\r\n"
           "allow = exe:" +
           narrow(allowed_executable) + "\r\n";
}

TEST(AllowListFile, CrlfLinesAndWindowsPathsAllowTheHolder) {
    const std::wstring rogue_path = holder_path(L"rogue.exe");
    PortHolder rogue(rogue_path, {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();
    ASSERT_EQ(rogue_path.substr(1, 2), L":\\");  // a drive-letter path, as the entry must be

    TempDir directory;
    const auto file = directory.write(L"allow.ini", allow_list(rogue.port(), rogue_path));
    const auto run = run_plugin({"-C", narrow(file)});
    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST(AllowListFile, CrlfLinesAndWindowsPathsRejectAnotherHolder) {
    PortHolder rogue(holder_path(L"rogue.exe"), {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();

    TempDir directory;
    const auto file =
        directory.write(L"allow.ini", allow_list(rogue.port(), holder_path(L"inetinfo.exe")));
    const auto run = run_plugin({"-C", narrow(file)});
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_holder(run, "rogue.exe", rogue.pid()));
}

// The file named with '/' separators: Windows accepts both, so must the check.
TEST(AllowListFile, FilePathWithSlashes) {
    const std::wstring rogue_path = holder_path(L"rogue.exe");
    PortHolder rogue(rogue_path, {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();

    TempDir directory;
    std::string file = narrow(directory.write(L"allow.ini", allow_list(rogue.port(), rogue_path)));
    for (char& c : file) {
        if (c == '\\')
            c = '/';
    }
    const auto run = run_plugin({"-C", file});
    EXPECT_TRUE(has_verdict(run, kOk));
}

}  // namespace
}  // namespace windows_tests
