// SPDX-License-Identifier: GPL-3.0-or-later
// Scenarios 1 and 2: every required port held by an allowed program; a required port with no
// listener at all.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

namespace integration {
namespace {

using AllowedAndMissing = PortOwnerTest;

TEST_F(AllowedAndMissing, AllowedHolderOnEveryRequiredPortIsOk) {
    // nginx's own default for `listen [::]:443` is ipv6only=on; a bare rule covers both families.
    auto nginx = start_holder(
        {.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80", "tcp6/[::]:443,v6only=on"}});

    const ProgramRun run = run_plugin({"-p", "80=nginx", "-p", "443=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_TRUE(has_perfdata(run, "rules", "2"));
    EXPECT_TRUE(has_perfdata(run, "rules_ok", "2"));
    EXPECT_TRUE(has_perfdata(run, "rules_missing", "0"));
    EXPECT_TRUE(has_perfdata(run, "rules_unexpected", "0"));
    EXPECT_TRUE(has_perfdata(run, "rules_unattributed", "0"));
    const auto values = perfdata(run.out);
    EXPECT_TRUE(values.contains("listeners")) << describe(run);
    ASSERT_TRUE(values.contains("time")) << describe(run);
    EXPECT_TRUE(values.at("time").ends_with("s")) << "time is in seconds" << describe(run);

    const auto rule_lines = long_output_lines(run.out);
    ASSERT_EQ(rule_lines.size(), 2u) << "one long-output line per rule" << describe(run);
    for (const auto& line : rule_lines) {
        EXPECT_TRUE(line.starts_with("OK tcp/")) << line << describe(run);
    }
}

TEST_F(AllowedAndMissing, RequiredPortWithoutListenerIsCriticalNotListening) {
    const ProgramRun run = run_plugin({"-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(run, "tcp/80 not listening"));
    EXPECT_TRUE(has_perfdata(run, "rules_missing", "1"));
}

TEST_F(AllowedAndMissing, MissingRuleIsReportedFirstNextToAnOkRule) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:443"}});

    const ProgramRun run = run_plugin({"-p", "443=nginx", "-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(run, "tcp/80 not listening"));
    EXPECT_TRUE(has_perfdata(run, "rules_ok", "1"));
    EXPECT_TRUE(has_perfdata(run, "rules_missing", "1"));
    const auto rule_lines = long_output_lines(run.out);
    ASSERT_EQ(rule_lines.size(), 2u) << describe(run);
    EXPECT_TRUE(rule_lines[0].starts_with("CRITICAL tcp/80")) << "worst first" << describe(run);
    EXPECT_TRUE(rule_lines[1].starts_with("OK tcp/443")) << describe(run);
}

TEST_F(AllowedAndMissing, MissingStateCanBeLoweredToWarning) {
    const ProgramRun run = run_plugin({"--missing", "warning", "-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kWarning));
    EXPECT_TRUE(first_line_contains(run, "tcp/80 not listening"));
}

}  // namespace
}  // namespace integration
