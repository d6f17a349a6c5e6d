// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 7: IPv6 and dual stack. A [::] socket serves IPv4 too unless IPV6_V6ONLY is set; a
// socket bound to an IPv4-mapped address (::ffff:a.b.c.d) serves only that IPv4 address.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

namespace integration {
namespace {

using Ipv6 = PortOwnerTest;

TEST_F(Ipv6, V6OnlyListenerDoesNotServeATcp4Rule) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp6/[::]:80,v6only=on"}});

    const ProgramRun run = run_plugin({"-p", "tcp4/80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(run, "tcp4/80 not listening"));
}

TEST_F(Ipv6, V6OnlyListenerServesATcp6Rule) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp6/[::]:80,v6only=on"}});

    const ProgramRun run = run_plugin({"-p", "tcp6/80=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(Ipv6, DualStackListenerServesATcp4Rule) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp6/[::]:80,v6only=off"}});

    const ProgramRun run = run_plugin({"-p", "tcp4/80=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(Ipv6, DualStackListenerOfAnotherProgramIsCriticalForATcp4Rule) {
    auto msproxy =
        start_holder({.executable_name = "msproxy", .sockets = {"tcp6/[::]:80,v6only=off"}});

    const ProgramRun run = run_plugin({"-p", "tcp4/80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "msproxy", msproxy.pid()));
}

TEST_F(Ipv6, Ipv4MappedBindServesATcp4AddressRule) {
    auto nginx = start_holder(
        {.executable_name = "nginx", .sockets = {"tcp6/[::ffff:127.0.0.1]:80,v6only=off"}});

    const ProgramRun run = run_plugin({"-p", "tcp4/127.0.0.1:80=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(Ipv6, BracketedAddressRuleMatchesTheLoopbackListener) {
    auto nginx =
        start_holder({.executable_name = "nginx", .sockets = {"tcp6/[::1]:8080,v6only=on"}});

    const ProgramRun run = run_plugin({"-p", "tcp6/[::1]:8080=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

}  // namespace
}  // namespace integration
