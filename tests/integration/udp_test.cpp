// Scenario 8: UDP. A bound, unconnected UDP socket is a listener.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

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

}  // namespace
}  // namespace integration
