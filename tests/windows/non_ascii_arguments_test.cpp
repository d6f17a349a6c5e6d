// SPDX-License-Identifier: GPL-3.0-or-later
// Arguments beyond ASCII: an admin's allow-list under C:\Users\Jürgen, a program in a folder
// with a CJK name. main()'s argv holds them in the ANSI code page, where such characters become
// '?' or bytes that are not UTF-8; the plugin must read them as Windows passed them (UTF-16).

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

// Latin with a diacritic, CJK, and a character outside the Basic Multilingual Plane.
const std::wstring kName = L"J\u00fcrgen\u7aef\u53e3\U0001F525.exe";

TEST(NonAsciiArguments, NameAndExePathMatch) {
    TempDir directory;
    const auto path = directory.copy(holder_path(L"rogue.exe"), kName);
    PortHolder holder(path, {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(holder.holds_everything()) << holder.transcript();
    const std::string port = std::to_string(holder.port());

    EXPECT_TRUE(has_verdict(run_plugin({"-p", port + "=" + narrow(kName)}), kOk));
    EXPECT_TRUE(has_verdict(run_plugin({"-p", port + "=exe:" + narrow(path)}), kOk));
    // The near miss: the same name without its first non-ASCII character.
    const auto miss = run_plugin({"-p", port + "=Jrgen\u7aef\u53e3\U0001F525.exe"});
    EXPECT_TRUE(has_verdict(miss, kCritical));
    EXPECT_TRUE(names_holder(miss, narrow(kName), holder.pid()));
}

TEST(NonAsciiArguments, AllowListFileInAFolderWithSuchAName) {
    PortHolder rogue(holder_path(L"rogue.exe"), {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();

    TempDir directory;
    const auto file =
        directory.write(L"J\u00fcrgen \u7aef\u53e3.ini",
                        "[tcp/" + std::to_string(rogue.port()) + "]\r\nallow = rogue\r\n");
    const auto run = run_plugin({"-C", narrow(file)});
    EXPECT_TRUE(has_verdict(run, kOk));
}

}  // namespace
}  // namespace windows_tests
