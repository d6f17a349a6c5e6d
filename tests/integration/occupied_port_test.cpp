// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 12, item 3, "in use, but nobody listens": a required port without a listener whose
// service could not bind it because a socket holds it. The plugin must name what holds it (a
// socket bound without listening, a connection whose local port it is) with its holder, say when
// the kernel hands the port out to outgoing connections, never name a holder it could not see,
// and add nothing when nothing occupies the port. The state stays the missing one (CRITICAL).
//
// UDP is not tested here: a bound UDP socket, connected or not, is a listener in this plugin's
// model (udp_test.cpp), so a UDP port that nobody listens on is free.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/privileged_plugin_test.hpp"

#include <sys/utsname.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fmt/core.h>

namespace integration {
namespace {

using OccupiedPort = PrivilegedPluginTest;

// sock_diag lists sockets bound without listening from Linux 6.7 on.
bool kernel_lists_bound_sockets() {
    utsname names{};
    unsigned major = 0;
    unsigned minor = 0;
    return ::uname(&names) == 0 && std::sscanf(names.release, "%u.%u", &major, &minor) == 2 &&
           (major > 6 || (major == 6 && minor >= 7));
}

// The ephemeral-port sysctls belong to the network namespace, which is this test's own.
void set_ipv4_sysctl(const std::string& name, const std::string& value) {
    std::ofstream file("/proc/sys/net/ipv4/" + name);
    file << value << '\n';
    file.flush();
    if (!file) {
        throw std::runtime_error("cannot write net.ipv4." + name);
    }
}

std::string rule_line(const ProgramRun& run, std::string_view label) {
    for (const auto& line : long_output_lines(run.out)) {
        if (line.starts_with(fmt::format("CRITICAL {}:", label))) {
            return line;
        }
    }
    return {};
}

// Without privilege the holder of a root process's socket cannot be seen.
constexpr std::string_view kPermissionReason =
    "could not be examined (permission denied); run as root, with capabilities "
    "cap_dac_read_search,cap_sys_ptrace, or through sudo";

TEST_F(OccupiedPort, BoundSocketWithoutListenerIsNamedWithItsHolder) {
    if (!kernel_lists_bound_sockets()) {
        GTEST_SKIP() << "the kernel lists bound-only sockets from Linux 6.7";
    }
    auto squatter =
        start_holder({.executable_name = "squatter", .sockets = {"tcp4/0.0.0.0:8080,nolisten"}});

    const ProgramRun run = run_plugin({"-p", "8080=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(has_perfdata(run, "rules_missing", "1"));
    EXPECT_TRUE(first_line_contains(
        run, fmt::format("tcp/8080 not listening (in use by squatter pid {}: bound, not "
                         "listening), expected nginx",
                         squatter.pid())));
    EXPECT_NE(rule_line(run, "tcp/8080")
                  .find(fmt::format("not listening (allowed: nginx); in use: bound, not listening, "
                                    "at 0.0.0.0:8080, by squatter pid {} user root exe ",
                                    squatter.pid())),
              std::string::npos)
        << describe(run);
    // 8080 is below the ephemeral range: no hint.
    EXPECT_EQ(run.out.find("ephemeral"), std::string::npos) << describe(run);
}

TEST_F(OccupiedPort, ConnectionWhoseLocalPortIsTheRequiredOneIsNamedWithItsState) {
    auto backend = start_holder({.executable_name = "backend", .sockets = {"tcp4/127.0.0.1:9000"}});
    auto client = start_holder(
        {.executable_name = "client", .sockets = {"tcp4/127.0.0.1:8080,connect=127.0.0.1:9000"}});

    const ProgramRun run = run_plugin({"-p", "8080=nginx", "-p", "9000=backend"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(has_perfdata(run, "rules_missing", "1"));
    EXPECT_TRUE(has_perfdata(run, "rules_ok", "1"));
    EXPECT_TRUE(first_line_contains(
        run, fmt::format("tcp/8080 not listening (in use by client pid {}: connection "
                         "ESTABLISHED), expected nginx",
                         client.pid())));
    EXPECT_NE(rule_line(run, "tcp/8080")
                  .find(fmt::format("in use: connection 127.0.0.1:8080 -> 127.0.0.1:9000 "
                                    "ESTABLISHED, by client pid {} user root exe ",
                                    client.pid())),
              std::string::npos)
        << describe(run);
    // The backend's end of that connection (local port 9000) is no occupant of 8080, and 9000
    // has its listener.
    EXPECT_EQ(run.out.find("127.0.0.1:9000 -> "), std::string::npos) << describe(run);
}

TEST_F(OccupiedPort, HintWhenTheKernelHandsThePortOutAndNotWhenReserved) {
    set_ipv4_sysctl("ip_local_port_range", "40000 50000");
    set_ipv4_sysctl("ip_local_reserved_ports", "");
    auto backend = start_holder({.executable_name = "backend", .sockets = {"tcp4/127.0.0.1:9000"}});
    auto client = start_holder(
        {.executable_name = "client", .sockets = {"tcp4/127.0.0.1:45000,connect=127.0.0.1:9000"}});

    const std::string hint =
        "(port 45000 is in the ephemeral port range 40000-50000 and not reserved, so the kernel "
        "gives it to outgoing connections: add it to net.ipv4.ip_local_reserved_ports)";
    const ProgramRun exposed = run_plugin({"-p", "45000=nginx"});
    EXPECT_TRUE(has_verdict(exposed, kCritical));
    EXPECT_NE(rule_line(exposed, "tcp/45000").find("; in use " + hint + ": connection"),
              std::string::npos)
        << describe(exposed);

    set_ipv4_sysctl("ip_local_reserved_ports", "44000-45000,46000");
    const ProgramRun reserved = run_plugin({"-p", "45000=nginx"});
    EXPECT_TRUE(has_verdict(reserved, kCritical));
    EXPECT_NE(rule_line(reserved, "tcp/45000").find("; in use: connection 127.0.0.1:45000"),
              std::string::npos)
        << describe(reserved);
    EXPECT_EQ(reserved.out.find("ephemeral"), std::string::npos) << describe(reserved);
}

TEST_F(OccupiedPort, LearnWarnsAboutListenersOnPortsTheKernelHandsOut) {
    set_ipv4_sysctl("ip_local_port_range", "40000 50000");
    set_ipv4_sysctl("ip_local_reserved_ports", "");
    auto service = start_holder(
        {.executable_name = "service", .sockets = {"tcp4/0.0.0.0:45000", "tcp4/0.0.0.0:8080"}});

    const ProgramRun exposed = run_plugin({"--learn"});
    EXPECT_EQ(exposed.exit_code, 0) << describe(exposed);
    EXPECT_NE(exposed.out.find("# warning: 45000 is in the ephemeral port range 40000-50000 and "
                               "not reserved: an outgoing connection can take it while its "
                               "service is down, which then cannot bind it; for a service's "
                               "port, reserve it (net.ipv4.ip_local_reserved_ports) and remove "
                               "the next line\nrequired = no"),
              std::string::npos)
        << describe(exposed);
    EXPECT_EQ(exposed.out.find("# warning: 8080 "), std::string::npos) << describe(exposed);

    set_ipv4_sysctl("ip_local_reserved_ports", "45000");
    const ProgramRun reserved = run_plugin({"--learn"});
    EXPECT_EQ(reserved.exit_code, 0) << describe(reserved);
    EXPECT_EQ(reserved.out.find("# warning: 45000"), std::string::npos) << describe(reserved);
    EXPECT_EQ(reserved.out.find("required = no"), std::string::npos) << describe(reserved);
    EXPECT_NE(reserved.out.find("# in the ephemeral port range 40000-50000 but reserved"),
              std::string::npos)
        << describe(reserved);
}

// Run as nobody, the plugin sees the socket (the kernel shows it to anyone) but not which root
// process holds it: it says so and why, and names nobody. With the package's capabilities it
// names the holder.
TEST_F(OccupiedPort, WithoutPrivilegeTheOccupantIsReportedWithTheReasonNotAGuess) {
    auto backend = start_holder({.executable_name = "backend", .sockets = {"tcp4/127.0.0.1:9000"}});
    auto client = start_holder(
        {.executable_name = "client", .sockets = {"tcp4/127.0.0.1:8080,connect=127.0.0.1:9000"}});

    const ProgramRun run = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "8080=nginx"});
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(
        run,
        "tcp/8080 not listening (in use: connection ESTABLISHED, holder not identified), "
        "expected nginx"));
    const auto line = rule_line(run, "tcp/8080");
    EXPECT_NE(line.find("in use: connection 127.0.0.1:8080 -> 127.0.0.1:9000 ESTABLISHED, holder "
                        "not identified (socket owner root): "),
              std::string::npos)
        << describe(run);
    EXPECT_NE(line.find(kPermissionReason), std::string::npos) << describe(run);
    EXPECT_EQ(run.out.find(fmt::format("pid {}", client.pid())), std::string::npos)
        << describe(run);
    EXPECT_EQ(run.out.find("client"), std::string::npos) << describe(run);

    const ProgramRun capable =
        run_as_nobody(plugin(PluginInstall::kFileCapabilities), {"-p", "8080=nginx"});
    EXPECT_TRUE(has_verdict(capable, kCritical));
    EXPECT_TRUE(first_line_contains(
        capable, fmt::format("(in use by client pid {}: connection ESTABLISHED)", client.pid())));
}

// Only what keeps the rule's own service from binding is named: not a socket on another port,
// nor one bound to another specific address. A rule that nothing occupies reads as before.
TEST_F(OccupiedPort, NothingOccupiesThePortAndNothingIsAdded) {
    auto backend = start_holder({.executable_name = "backend", .sockets = {"tcp4/127.0.0.1:9000"}});
    auto elsewhere = start_holder({.executable_name = "elsewhere",
                                   .sockets = {"tcp4/127.0.0.2:8080,connect=127.0.0.1:9000",
                                               "tcp4/127.0.0.1:8082,connect=127.0.0.1:9000"}});
    auto client = start_holder(
        {.executable_name = "client", .sockets = {"tcp4/127.0.0.1:8081,connect=127.0.0.1:9000"}});

    const ProgramRun run =
        run_plugin({"-p", "127.0.0.1:8080=nginx", "-p", "8081=nginx", "-p", "8083=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(has_perfdata(run, "rules_missing", "3"));
    EXPECT_EQ(rule_line(run, "tcp/127.0.0.1:8080"),
              "CRITICAL tcp/127.0.0.1:8080: not listening (allowed: nginx)")
        << describe(run);
    EXPECT_EQ(rule_line(run, "tcp/8083"), "CRITICAL tcp/8083: not listening (allowed: nginx)")
        << describe(run);
    // The control: the occupant of 8081 is named, on its own rule only.
    EXPECT_NE(rule_line(run, "tcp/8081").find(fmt::format("by client pid {}", client.pid())),
              std::string::npos)
        << describe(run);
    EXPECT_EQ(run.out.find("elsewhere"), std::string::npos) << describe(run);
}

}  // namespace
}  // namespace integration
