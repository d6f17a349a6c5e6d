// SPDX-License-Identifier: GPL-3.0-or-later
// Allow entries with Windows semantics, end to end: NAME is the image file name, compared
// without regard to case, with or without ".exe"; exe: compares the full path without regard to
// case, with '\' and '/' alike. Every entry that must not match is a near miss of one that does.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_holder.hpp"
#include "harness/wide_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cwctype>
#include <functional>
#include <string>

namespace windows_tests {
namespace {

struct EntryCase {
    std::string name;
    // The allow entry, from rogue.exe's full path (Z:\...\rogue.exe).
    std::function<std::string(const std::string& rogue_path)> entry;
    bool matches;
};

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::string with_slashes(std::string text) {
    std::replace(text.begin(), text.end(), '\\', '/');
    return text;
}

std::string directory_of(const std::string& path) {
    return path.substr(0, path.rfind('\\'));
}

class AllowEntry : public testing::TestWithParam<EntryCase> {};

TEST_P(AllowEntry, MatchesTheHolderAsWindowsNamesIt) {
    const std::wstring rogue_path = holder_path(L"rogue.exe");
    PortHolder rogue(rogue_path, {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();
    const std::string entry = GetParam().entry(narrow(rogue_path));

    const auto run = run_plugin({"-p", std::to_string(rogue.port()) + "=" + entry});
    if (GetParam().matches) {
        EXPECT_TRUE(has_verdict(run, kOk)) << "entry " << entry;
    } else {
        EXPECT_TRUE(has_verdict(run, kCritical)) << "entry " << entry;
        EXPECT_TRUE(names_holder(run, "rogue.exe", rogue.pid()));
    }
}

std::function<std::string(const std::string&)> fixed(std::string entry) {
    return [entry](const std::string&) { return entry; };
}

INSTANTIATE_TEST_SUITE_P(
    Table, AllowEntry,
    testing::Values(
        EntryCase{"name_without_exe", fixed("rogue"), true},
        EntryCase{"name_with_exe", fixed("rogue.exe"), true},
        EntryCase{"name_upper_case", fixed("ROGUE"), true},
        EntryCase{"name_mixed_case_with_exe", fixed("Rogue.EXE"), true},
        EntryCase{"name_other_program", fixed("inetinfo"), false},
        EntryCase{"name_prefix", fixed("rogu"), false},
        EntryCase{"name_truncated_extension", fixed("rogue.ex"), false},
        EntryCase{"name_other_extension", fixed("rogue.com"), false},
        EntryCase{"name_doubled_extension", fixed("rogue.exe.exe"), false},
        EntryCase{"exe_backslashes", [](const std::string& path) { return "exe:" + path; }, true},
        EntryCase{"exe_slashes",
                  [](const std::string& path) { return "exe:" + with_slashes(path); }, true},
        EntryCase{"exe_upper_case", [](const std::string& path) { return "exe:" + upper(path); },
                  true},
        EntryCase{"exe_glob_in_directory",
                  [](const std::string& path) { return "exe:" + directory_of(path) + "\\*.exe"; },
                  true},
        EntryCase{
            "exe_other_program",
            [](const std::string& path) { return "exe:" + directory_of(path) + "\\inetinfo.exe"; },
            false},
        EntryCase{"exe_other_drive",
                  [](const std::string& path) { return "exe:C" + path.substr(1); }, false},
        EntryCase{"exe_other_directory",
                  [](const std::string& path) {
                      return "exe:" + directory_of(path) + "\\other\\rogue.exe";
                  },
                  false}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace windows_tests
