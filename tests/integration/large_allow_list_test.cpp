// SPDX-License-Identifier: GPL-3.0-or-later
// An allow-list of 80,000 lines is parsed in linear time (it timed out when every option's line
// number was counted from the start of the file), errors deep in it name their line, and a NUL
// byte is reported as such. Correctness only; tests/bench times a 1 MB allow-list.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/test_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>

namespace integration {
namespace {

using LargeAllowList = PortOwnerTest;

// 80,000 lines, about 730 KB: 1,000 rules of 78 allow entries each.
TEST_F(LargeAllowList, EightyThousandLineAllowListIsParsed) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:1000"}});
    auto evil = start_holder({.executable_name = "evil", .sockets = {"tcp4/0.0.0.0:1600"}});
    std::string text;
    int lines = 0;
    for (int rule = 0; rule < 1000; ++rule) {
        text += fmt::format("[{}]\nrequired = no\n", scattered_port(rule));
        lines += 2;
        for (int entry = 0; entry < 77; ++entry)
            text += fmt::format("allow = d{}\n", entry);
        text += "allow = nginx\n";
        lines += 78;
    }
    ASSERT_EQ(lines, 80000);
    const auto file = write_text_file(temp_dir() / "allow.ini", text);

    const ProgramRun run = run_plugin({"-C", file.string()});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "evil", evil.pid()));
    EXPECT_TRUE(has_perfdata(run, "rules", "1000"));
    EXPECT_TRUE(has_perfdata(run, "listeners", "2"));
}

TEST_F(LargeAllowList, ErrorOnTheLastOfEightyThousandLinesNamesIt) {
    std::string text;
    for (int rule = 0; rule < 1000; ++rule) {
        text += fmt::format("[{}]\n", scattered_port(rule));
        for (int entry = 0; entry < 79; ++entry)
            text += fmt::format("allow = d{}\n", entry);
    }
    text += "alow = nginx\n";  // line 80,001
    const auto file = write_text_file(temp_dir() / "allow.ini", text);

    const ProgramRun run = run_plugin({"-C", file.string()});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(
        first_line_contains(run, fmt::format("{}:80001: unknown key 'alow'", file.string())));
}

TEST_F(LargeAllowList, NulByteIsReportedWithItsLine) {
    const auto file =
        write_text_file(temp_dir() / "allow.ini", std::string("[tcp/80]\nallow = ng\0inx\n", 24));

    const ProgramRun run = run_plugin({"-C", file.string()});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, fmt::format("{}:2: NUL byte", file.string())));
    EXPECT_EQ(output_lines(run.out).size(), 1u) << describe(run);
}

}  // namespace
}  // namespace integration
