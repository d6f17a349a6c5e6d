// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 9: rules with a bind address. A wildcard listener (0.0.0.0) accepts connections to every
// local address, so it serves a rule for 127.0.0.1; a listener on another specific address does
// not.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

namespace integration {
namespace {

using BindAddress = PortOwnerTest;

TEST_F(BindAddress, WildcardListenerServesAnAddressRule) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:8080"}});

    const ProgramRun run = run_plugin({"-p", "tcp/127.0.0.1:8080=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(BindAddress, ListenerOnAnotherAddressDoesNotServeAnAddressRule) {
    // 127.0.0.2 is on lo too (127.0.0.0/8), so it is bindable in the test namespace.
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/127.0.0.2:8080"}});

    const ProgramRun run = run_plugin({"-p", "tcp/127.0.0.1:8080=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(run, "not listening"));
}

// A SO_REUSEPORT joiner on 127.0.0.1 takes every local connection from the wildcard listener: a
// rule for the wildcard address is about it too.
TEST_F(BindAddress, SpecificJoinerOfAWildcardRuleIsCritical) {
    auto nginx =
        start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:8080,reuseport"}});
    auto intruder =
        start_holder({.executable_name = "intruder", .sockets = {"tcp4/127.0.0.1:8080,reuseport"}});

    for (const auto* rule : {"tcp/0.0.0.0:8080=nginx", "tcp4/8080=nginx", "8080=nginx"}) {
        const ProgramRun run = run_plugin({"-p", rule});
        EXPECT_TRUE(has_verdict(run, kCritical)) << rule;
        EXPECT_TRUE(names_culprit(run, "intruder", intruder.pid())) << rule;
    }
}

TEST_F(BindAddress, Ipv6WildcardRuleCoversASpecificJoiner) {
    auto nginx = start_holder(
        {.executable_name = "nginx", .sockets = {"tcp6/[::]:8080,v6only=on,reuseport"}});
    auto intruder = start_holder(
        {.executable_name = "intruder", .sockets = {"tcp6/[::1]:8080,v6only=on,reuseport"}});

    const ProgramRun run = run_plugin({"-p", "tcp/[::]:8080=nginx"});
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "intruder", intruder.pid()));
}

}  // namespace
}  // namespace integration
