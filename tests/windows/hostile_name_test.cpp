// SPDX-License-Identifier: GPL-3.0-or-later
// Image names are chosen by whoever copies a program: on Windows they may hold spaces, '%',
// '=', ';', an apostrophe and any Unicode character ('|', '"', '<', '>', '?', '*' and control
// characters are not allowed in file names). The check must print such a name as valid UTF-8, keep
// it out of the perfdata, and still match it by NAME.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_holder.hpp"
#include "harness/temp_dir.hpp"
#include "harness/wide_text.hpp"
#include "integration/harness/plugin_output.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace windows_tests {
namespace {

// Forged perfdata and a format string in the name, Latin, CJK, and a character outside the
// Basic Multilingual Plane (a UTF-16 surrogate pair, four bytes in UTF-8).
const std::wstring kHostileName = L"\u00e9vil 100%s%n x=1;;;0 'q' \u7aef\u53e3 \U0001F525.exe";

std::set<std::string> perfdata_labels(const ProgramRun& run) {
    std::set<std::string> labels;
    for (const auto& [label, value] : integration::perfdata(run.output))
        labels.insert(label);
    return labels;
}

TEST(HostileName, IsPrintedAsUtf8AndNeverBecomesPerfdata) {
    PortHolder benign(holder_path(L"rogue.exe"), {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(benign.holds_everything()) << benign.transcript();
    const auto benign_run = run_plugin({"-p", std::to_string(benign.port()) + "=inetinfo"});
    ASSERT_TRUE(has_verdict(benign_run, kCritical));

    TempDir directory;
    const auto hostile_path = directory.copy(holder_path(L"rogue.exe"), kHostileName);
    PortHolder hostile(hostile_path, {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(hostile.holds_everything()) << hostile.transcript();
    const auto run = run_plugin({"-p", std::to_string(hostile.port()) + "=inetinfo"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_holder(run, narrow(kHostileName), hostile.pid()));
    const std::string line = integration::first_line(run.output);
    EXPECT_EQ(std::count(line.begin(), line.end(), '|'), 1) << run;
    EXPECT_EQ(perfdata_labels(run), perfdata_labels(benign_run)) << run;
    EXPECT_EQ(integration::output_lines(run.output).size(),
              integration::output_lines(benign_run.output).size())
        << run;
}

}  // namespace
}  // namespace windows_tests
