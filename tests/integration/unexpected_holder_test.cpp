// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 3, Microsoft KB Q261194: "port 80 is in use" because the Proxy Server (msproxy) holds
// it, while the web server was expected there.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

#include <fmt/core.h>

namespace integration {
namespace {

using UnexpectedHolder = PortOwnerTest;

TEST_F(UnexpectedHolder, PortHeldByAnotherProgramIsCriticalAndNamesIt) {
    auto msproxy = start_holder({.executable_name = "msproxy", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_plugin({"-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(
        run,
        fmt::format("tcp/80 held by msproxy (pid {}, user root), expected nginx", msproxy.pid())));
    EXPECT_TRUE(has_perfdata(run, "rules_unexpected", "1"));
}

TEST_F(UnexpectedHolder, UnexpectedRuleIsReportedFirstNextToAnOkRule) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:443"}});
    auto msproxy = start_holder({.executable_name = "msproxy", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_plugin({"-p", "443=nginx", "-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "msproxy", msproxy.pid()));
    const auto rule_lines = long_output_lines(run.out);
    ASSERT_EQ(rule_lines.size(), 2u) << describe(run);
    EXPECT_TRUE(rule_lines[0].starts_with("CRITICAL tcp/80")) << "worst first" << describe(run);
    EXPECT_TRUE(rule_lines[1].starts_with("OK tcp/443")) << describe(run);
}

TEST_F(UnexpectedHolder, AnyAllowEntryOfTheRuleIsEnough) {
    auto apache = start_holder({.executable_name = "apache2", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_plugin({"-p", "80=nginx,apache2"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(UnexpectedHolder, UnexpectedStateCanBeLoweredToWarning) {
    auto msproxy = start_holder({.executable_name = "msproxy", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_plugin({"--unexpected", "warning", "-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kWarning));
    EXPECT_TRUE(names_culprit(run, "msproxy", msproxy.pid()));
}

}  // namespace
}  // namespace integration
