// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 10: the two listener sources, NETLINK_SOCK_DIAG and /proc/net/{tcp,udp}{,6}, must reach
// the same verdict. Each case runs the plugin once with each source.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

#include <string>
#include <vector>

namespace integration {
namespace {

struct SourceCase {
    std::string name;                    // the test name suffix
    std::vector<HolderOptions> holders;  // started in this order
    std::vector<std::string> arguments;
    ServiceState expected;
};

// gtest prints parameters in test listings and failures; the name says it all.
void PrintTo(const SourceCase& source_case, std::ostream* stream) {
    *stream << source_case.name;
}

class ListenerSourcesAgree : public PortOwnerTest,
                             public testing::WithParamInterface<SourceCase> {};

TEST_P(ListenerSourcesAgree, OnExitCodeAndState) {
    std::vector<HolderProcess> holders;
    for (const auto& options : GetParam().holders)
        holders.push_back(start_holder(options));

    auto with_source = [&](const std::string& source) {
        std::vector<std::string> arguments{"--listener-source", source};
        arguments.insert(arguments.end(), GetParam().arguments.begin(), GetParam().arguments.end());
        return run_plugin(arguments);
    };
    const ProgramRun netlink = with_source("netlink");
    const ProgramRun proc = with_source("proc");

    EXPECT_TRUE(has_verdict(netlink, GetParam().expected));
    EXPECT_TRUE(has_verdict(proc, GetParam().expected));
    EXPECT_EQ(netlink.exit_code, proc.exit_code) << describe(netlink) << describe(proc);
    EXPECT_EQ(state_word(netlink.out), state_word(proc.out)) << describe(netlink) << describe(proc);
}

HolderOptions holder(std::string executable_name, std::string socket) {
    return {.executable_name = std::move(executable_name), .sockets = {std::move(socket)}};
}

// Not in the table: a [::] listener against an IPv4 rule. /proc/net/tcp6 has no column for
// IPV6_V6ONLY, so the proc source cannot tell a v6only socket from a dual-stack one: only netlink
// (INET_DIAG_SKV6ONLY) decides, and the proc source says UNKNOWN (the tests below).
const SourceCase kCases[] = {
    {"AllowedHolderOk",
     {{.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80", "tcp6/[::]:443,v6only=on"}}},
     {"-p", "80=nginx", "-p", "443=nginx"},
     kOk},
    {"NoListenerMissing", {holder("nginx", "tcp4/0.0.0.0:443")}, {"-p", "80=nginx"}, kCritical},
    {"OtherProgramUnexpected",
     {holder("msproxy", "tcp4/0.0.0.0:80")},
     {"-p", "80=nginx"},
     kCritical},
    {"ImpostorByExecutable",
     {{.executable_name = "evil", .sockets = {"tcp4/0.0.0.0:80"}, .comm = "nginx"}},
     {"-p", "80=nginx"},
     kCritical},
    {"ImpostorByComm",
     {{.executable_name = "evil", .sockets = {"tcp4/0.0.0.0:80"}, .comm = "nginx"}},
     {"-p", "80=name:nginx"},
     kOk},
    {"PreforkWorkersAllHolders",
     {{.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}, .workers = 3}},
     {"--all-holders", "-p", "80=nginx"},
     kOk},
    {"ReuseportIntruder",
     {holder("nginx", "tcp4/0.0.0.0:8080,reuseport"),
      holder("intruder", "tcp4/0.0.0.0:8080,reuseport")},
     {"-p", "8080=nginx"},
     kCritical},
    {"V6OnlyTcp6Rule", {holder("nginx", "tcp6/[::]:80,v6only=on")}, {"-p", "tcp6/80=nginx"}, kOk},
    {"Ipv4MappedTcp4AddressRule",
     {holder("nginx", "tcp6/[::ffff:127.0.0.1]:80,v6only=off")},
     {"-p", "tcp4/127.0.0.1:80=nginx"},
     kOk},
    {"UdpAllowed",
     {holder("avahi-daemon", "udp4/127.0.0.1:5353")},
     {"-p", "udp/5353=avahi-daemon"},
     kOk},
    {"UdpUnexpected",
     {holder("avahi-daemon", "udp4/127.0.0.1:5353")},
     {"-p", "udp/5353=nginx"},
     kCritical},
    {"UdpIpv6Allowed",
     {holder("avahi-daemon", "udp6/[::1]:5353,v6only=on")},
     {"-p", "udp6/5353=avahi-daemon"},
     kOk},
    {"WildcardServesAddressRule",
     {holder("nginx", "tcp4/0.0.0.0:8080")},
     {"-p", "tcp/127.0.0.1:8080=nginx"},
     kOk},
};

INSTANTIATE_TEST_SUITE_P(Scenarios, ListenerSourcesAgree, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<SourceCase>& info) {
                             return info.param.name;
                         });

using ProcNetFallback = PortOwnerTest;

// The fallback never guesses: whether [::] serves IPv4 is exactly what it cannot see.
TEST_F(ProcNetFallback, Ipv4RuleOnADualStackListenerIsUnknownWithTheReason) {
    auto nginx = start_holder(holder("nginx", "tcp6/[::]:80,v6only=off"));

    EXPECT_TRUE(
        has_verdict(run_plugin({"--listener-source", "netlink", "-p", "tcp4/80=nginx"}), kOk));
    const ProgramRun proc = run_plugin({"--listener-source", "proc", "-p", "tcp4/80=nginx"});
    EXPECT_TRUE(has_verdict(proc, kUnknown));
    EXPECT_TRUE(first_line_contains(proc, "tcp4/80 undecided"));
    EXPECT_TRUE(first_line_contains(proc, "IPV6_V6ONLY"));
    EXPECT_NE(proc.out.find("\nnote: listeners from /proc/net"), std::string::npos)
        << describe(proc);
}

// The hole this closes: a v6only [::] listener used to satisfy a tcp4 rule on the proc path.
TEST_F(ProcNetFallback, Ipv4RuleOnAV6OnlyListenerIsNeverOk) {
    auto nginx = start_holder(holder("nginx", "tcp6/[::]:8080,v6only=on"));

    EXPECT_TRUE(has_verdict(run_plugin({"--listener-source", "netlink", "-p", "tcp4/8080=nginx"}),
                            kCritical));
    const ProgramRun proc = run_plugin({"--listener-source", "proc", "-p", "tcp4/8080=nginx"});
    EXPECT_TRUE(has_verdict(proc, kUnknown));
    EXPECT_TRUE(first_line_contains(proc, "IPV6_V6ONLY"));
}

// An impostor on [::] next to the allowed IPv4 listener: it may or may not take IPv4 traffic.
TEST_F(ProcNetFallback, ImpostorOnAnIpv6WildcardLeavesAnIpv4RuleUndecided) {
    auto nginx = start_holder(holder("nginx", "tcp4/0.0.0.0:8080,reuseport"));
    auto rogue = start_holder(holder("rogue", "tcp6/[::]:8080,v6only=off,reuseport"));

    EXPECT_TRUE(has_verdict(run_plugin({"--listener-source", "netlink", "-p", "tcp4/8080=nginx"}),
                            kCritical));
    EXPECT_TRUE(
        has_verdict(run_plugin({"--listener-source", "proc", "-p", "tcp4/8080=nginx"}), kUnknown));
}

// Rules that do not depend on v6only are decided on the proc path as on netlink.
TEST_F(ProcNetFallback, DualStackRuleIsDecidedWithoutV6only) {
    auto nginx = start_holder(holder("nginx", "tcp6/[::]:80,v6only=off"));

    EXPECT_TRUE(has_verdict(run_plugin({"--listener-source", "proc", "-p", "80=nginx"}), kOk));
    EXPECT_TRUE(
        has_verdict(run_plugin({"--listener-source", "proc", "-p", "80=apache2"}), kCritical));
}

}  // namespace
}  // namespace integration
