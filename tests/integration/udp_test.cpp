// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 8: UDP. A UDP socket bound to a port is a holder of that port, connected or not: a
// connected socket that shares the port (SO_REUSEADDR) receives its peer's datagrams ahead of the
// server.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

#include <string>

namespace integration {
namespace {

using Udp = PortOwnerTest;

HolderOptions avahi_on_mdns() {
    return {.executable_name = "avahi-daemon", .sockets = {"udp4/127.0.0.1:5353"}};
}

TEST_F(Udp, BoundSocketOfTheAllowedProgramIsOk) {
    auto avahi = start_holder(avahi_on_mdns());

    const ProgramRun run = run_plugin({"-p", "udp/5353=avahi-daemon"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(Udp, BoundSocketOfAnotherProgramIsCritical) {
    auto avahi = start_holder(avahi_on_mdns());

    const ProgramRun run = run_plugin({"-p", "udp/5353=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "avahi-daemon", avahi.pid()));
}

TEST_F(Udp, UdpSocketDoesNotServeATcpRule) {
    auto avahi = start_holder(avahi_on_mdns());

    // A bare port means tcp.
    const ProgramRun run = run_plugin({"-p", "5353=avahi-daemon"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(run, "tcp/5353 not listening"));
}

class UdpConnectedIntruder : public PortOwnerTest,
                             public testing::WithParamInterface<std::string> {};

TEST_P(UdpConnectedIntruder, IsCriticalWithEachListenerSource) {
    auto avahi = start_holder(
        {.executable_name = "avahi-daemon", .sockets = {"udp4/127.0.0.1:5353,reuseaddr"}});
    auto evil = start_holder({.executable_name = "evil",
                              .sockets = {"udp4/127.0.0.1:5353,reuseaddr,connect=127.0.0.1:9"}});

    const ProgramRun run =
        run_plugin({"--listener-source", GetParam(), "-p", "udp/5353=avahi-daemon"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "evil", evil.pid()));
}

TEST_P(UdpConnectedIntruder, ConnectedSocketAloneIsTheHolder) {
    auto evil =
        start_holder({.executable_name = "evil", .sockets = {"udp6/[::1]:5353,connect=[::1]:9"}});

    const ProgramRun run =
        run_plugin({"--listener-source", GetParam(), "-p", "udp/5353=avahi-daemon"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "evil", evil.pid()));
}

INSTANTIATE_TEST_SUITE_P(ListenerSources, UdpConnectedIntruder, testing::Values("netlink", "proc"),
                         [](const testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

}  // namespace
}  // namespace integration
