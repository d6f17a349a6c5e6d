// SPDX-License-Identifier: GPL-3.0-or-later
// "In use, but nobody listens": which occupants a MISSING rule names, in which order, when the
// ephemeral-range hint is given, and how the output shows them (first line and long line) within
// the plugin contract, whatever their holders are called.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/ephemeral_ports.hpp"
#include "core/occupant_description.hpp"
#include "core/port_occupant.hpp"
#include "core/report.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using namespace test_support;

PortOccupant bound(std::string_view address_text, std::uint16_t port,
                   std::vector<ProcessIdentity> holders, std::uint64_t inode = 2000) {
    PortOccupant occupant;
    occupant.kind = PortOccupant::Kind::bound_not_listening;
    auto socket = tcp(address_text, port);
    socket.inode = inode;
    occupant.local = observed(socket, std::move(holders));
    return occupant;
}

PortOccupant connection(std::string_view local_address, std::uint16_t port,
                        std::string_view remote_address, std::uint16_t remote_port,
                        ConnectionState state, std::vector<ProcessIdentity> holders,
                        std::uint64_t inode = 3000) {
    PortOccupant occupant;
    occupant.kind = PortOccupant::Kind::connection;
    auto socket = tcp(local_address, port);
    socket.inode = inode;
    occupant.local = observed(socket, std::move(holders));
    occupant.remote_address = address(remote_address);
    occupant.remote_port = remote_port;
    occupant.state = state;
    return occupant;
}

EphemeralPorts linux_ephemeral(std::vector<PortRange> reserved = {}) {
    EphemeralPorts ports;
    ports.range = {32768, 60999};
    ports.reserved = std::move(reserved);
    ports.reserve_setting = "net.ipv4.ip_local_reserved_ports";
    return ports;
}

ProcessIdentity python(int pid = 4242) {
    return process("python3", "/usr/bin/python3", pid, 33, "www-data");
}

ProcessIdentity curl(int pid = 77) {
    return process("curl", "/usr/bin/curl", pid, 1000, "alice");
}

std::string report_for(const std::vector<Rule>& rules, const std::vector<PortOccupant>& occupants,
                       const EphemeralPorts* ephemeral, int verbosity = 0) {
    const std::vector<ObservedListener> no_listeners;
    auto verdict = evaluate(rules, no_listeners, StateDefaults{}, on_linux);
    attach_occupants(verdict, occupants, ephemeral);
    ReportContext context;
    context.verbosity = verbosity;
    return format_report(verdict, context);
}

TEST(EphemeralPorts, HandsOutPortsOfTheRangeThatAreNotReserved) {
    const auto ports = linux_ephemeral({{40000, 40010}, {50000, 50000}});
    EXPECT_FALSE(ports.hands_out(8080));
    EXPECT_FALSE(ports.hands_out(32767));
    EXPECT_TRUE(ports.hands_out(32768));
    EXPECT_TRUE(ports.hands_out(60999));
    EXPECT_FALSE(ports.hands_out(61000));
    EXPECT_FALSE(ports.hands_out(40005));
    EXPECT_FALSE(ports.hands_out(50000));
    EXPECT_TRUE(ports.hands_out(50001));
    EXPECT_TRUE(ports.is_reserved(40010));
}

TEST(OccupationOf, OnlyOccupantsOnTheRulesPortAndAddress) {
    const std::vector<PortOccupant> occupants{
        bound("0.0.0.0", 8080, {python()}),
        bound("10.0.0.5", 8080, {python(1)}),
        connection("127.0.0.1", 8080, "127.0.0.1", 9000, ConnectionState::established, {curl()}),
        connection("10.0.0.5", 8081, "10.0.0.9", 443, ConnectionState::established, {curl(2)}),
    };
    // Any address: every occupant of the port.
    EXPECT_EQ(occupation_of(parse_rule_argument("tcp/8080"), occupants, nullptr).occupants.size(),
              3u);
    // One address: a socket on another specific address does not keep the service from binding;
    // a wildcard one does.
    const auto loopback =
        occupation_of(parse_rule_argument("tcp/127.0.0.1:8080"), occupants, nullptr);
    ASSERT_EQ(loopback.occupants.size(), 2u);
    EXPECT_EQ(loopback.occupants[0], &occupants[0]);
    EXPECT_EQ(loopback.occupants[1], &occupants[2]);
    // UDP rules are not occupied by TCP sockets.
    EXPECT_TRUE(
        occupation_of(parse_rule_argument("udp/8080"), occupants, nullptr).occupants.empty());
}

TEST(OccupationOf, BoundFirstThenHeldConnectionsThenThoseNoProcessHolds) {
    const std::vector<PortOccupant> occupants{
        connection("127.0.0.1", 8080, "127.0.0.1", 9000, ConnectionState::time_wait, {}, 0),
        connection("127.0.0.1", 8080, "127.0.0.1", 9001, ConnectionState::established, {curl()}),
        bound("0.0.0.0", 8080, {python()}),
    };
    const auto occupation = occupation_of(parse_rule_argument("tcp/8080"), occupants, nullptr);
    ASSERT_EQ(occupation.occupants.size(), 3u);
    EXPECT_EQ(occupation.occupants[0], &occupants[2]);
    EXPECT_EQ(occupation.occupants[1], &occupants[1]);
    EXPECT_EQ(occupation.occupants[2], &occupants[0]);
}

TEST(OccupationOf, HandedOutPortsAreThoseOfConnectionsOnUnreservedEphemeralPorts) {
    const std::vector<PortOccupant> occupants{
        connection("127.0.0.1", 40000, "127.0.0.1", 9000, ConnectionState::established, {curl()}),
        connection("127.0.0.1", 40000, "127.0.0.1", 9001, ConnectionState::established, {curl()}),
        connection("127.0.0.1", 40001, "127.0.0.1", 9000, ConnectionState::established, {curl()}),
        bound("0.0.0.0", 40002, {python()}),
        connection("127.0.0.1", 8080, "127.0.0.1", 9000, ConnectionState::established, {curl()}),
    };
    const auto rule = parse_rule_argument("tcp/8000-41000");
    const auto ephemeral = linux_ephemeral({{40001, 40001}});
    const auto occupation = occupation_of(rule, occupants, &ephemeral);
    EXPECT_EQ(occupation.occupants.size(), 5u);
    // 40000 once; 40001 is reserved; 40002 was bound on purpose; 8080 is below the range.
    EXPECT_EQ(occupation.handed_out_ports, std::vector<std::uint16_t>{40000});
    EXPECT_EQ(occupation.ephemeral_range, (PortRange{32768, 60999}));
    // Unknown reservations, or no ranges at all: no hint.
    auto unknown = ephemeral;
    unknown.reserved_known = false;
    EXPECT_TRUE(occupation_of(rule, occupants, &unknown).handed_out_ports.empty());
    EXPECT_TRUE(occupation_of(rule, occupants, nullptr).handed_out_ports.empty());
}

TEST(AttachOccupants, OnlyMissingFindingsGetThem) {
    const std::vector<Rule> rules{parse_rule_argument("tcp/8080=nginx"),
                                  parse_rule_argument("tcp/9000=nginx")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 9000), {nginx()})};
    const std::vector<PortOccupant> occupants{bound("0.0.0.0", 8080, {python()}),
                                              bound("10.0.0.1", 9000, {python()})};
    auto verdict = evaluate(rules, listeners, StateDefaults{}, on_linux);
    attach_occupants(verdict, occupants, nullptr);
    for (const auto& finding : verdict.findings) {
        SCOPED_TRACE(finding.rule->label());
        EXPECT_EQ(finding.occupation.occupants.size(),
                  finding.outcome == Outcome::missing ? 1u : 0u);
    }
    // The state is what a missing rule's is: the occupant only explains.
    EXPECT_EQ(verdict.overall, State::critical);
}

TEST(OccupantReport, BoundSocketIsNamedOnBothLines) {
    const std::vector<Rule> rules{parse_rule_argument("tcp/8080=nginx")};
    const std::vector<PortOccupant> occupants{bound("0.0.0.0", 8080, {python()})};
    const auto lines = split_lines(report_for(rules, occupants, nullptr));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with(
        "PORT_OWNER CRITICAL - tcp/8080 not listening (in use by python3 pid 4242: bound, not "
        "listening), expected nginx | "))
        << lines[0];
    EXPECT_EQ(lines[1],
              "CRITICAL tcp/8080: not listening (allowed: nginx); in use: bound, not listening, at "
              "0.0.0.0:8080, by python3 pid 4242 user www-data exe /usr/bin/python3");
}

TEST(OccupantReport, ConnectionWithStateAndTheHintWhenTheKernelHandsOutThePort) {
    const std::vector<Rule> rules{parse_rule_argument("tcp/40000=nginx")};
    const std::vector<PortOccupant> occupants{connection(
        "10.0.0.5", 40000, "10.0.0.9", 443, ConnectionState::established, {curl(), curl(78)})};
    const auto ephemeral = linux_ephemeral();
    const auto lines = split_lines(report_for(rules, occupants, &ephemeral));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("tcp/40000 not listening (in use by curl pid 77: connection "
                            "ESTABLISHED), expected nginx"),
              std::string::npos)
        << lines[0];
    EXPECT_EQ(lines[1],
              "CRITICAL tcp/40000: not listening (allowed: nginx); in use (port 40000 is in the "
              "ephemeral port range 32768-60999 and not reserved, so the kernel gives it to "
              "outgoing connections: add it to net.ipv4.ip_local_reserved_ports): connection "
              "10.0.0.5:40000 -> 10.0.0.9:443 ESTABLISHED, by curl pid 77 user alice exe "
              "/usr/bin/curl (+1 more)");

    // Reserved: no hint.
    const auto reserved = linux_ephemeral({{40000, 40000}});
    const auto quiet = report_for(rules, occupants, &reserved);
    EXPECT_EQ(quiet.find("ephemeral"), std::string::npos) << quiet;
}

TEST(OccupantReport, UnseenHolderGivesTheReasonAndNoName) {
    const std::vector<Rule> rules{parse_rule_argument("tcp/8080=nginx")};
    auto occupant = bound("0.0.0.0", 8080, {});
    occupant.local.holders_complete = false;
    occupant.local.attribution_problem =
        "1 process could not be examined (permission denied); run as root";
    const auto lines = split_lines(report_for({rules}, {occupant}, nullptr));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("tcp/8080 not listening (in use: bound, not listening, holder not "
                            "identified), expected nginx"),
              std::string::npos)
        << lines[0];
    EXPECT_TRUE(lines[1].ends_with(
        "in use: bound, not listening, at 0.0.0.0:8080, holder not identified (socket owner "
        "root): 1 process could not be examined (permission denied); run as root"))
        << lines[1];
}

TEST(OccupantReport, ConnectionNoProcessHoldsIsSaidSo) {
    const std::vector<Rule> rules{parse_rule_argument("tcp/8080")};
    const std::vector<PortOccupant> occupants{
        connection("127.0.0.1", 8080, "127.0.0.1", 50000, ConnectionState::time_wait, {}, 0)};
    const auto lines = split_lines(report_for(rules, occupants, nullptr));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("(in use: connection TIME-WAIT, no process)"), std::string::npos)
        << lines[0];
    EXPECT_NE(lines[1].find("connection 127.0.0.1:8080 -> 127.0.0.1:50000 TIME-WAIT, no process "
                            "holds it"),
              std::string::npos)
        << lines[1];
}

TEST(OccupantReport, NothingOccupiesNothingIsAdded) {
    const std::vector<Rule> rules{parse_rule_argument("tcp/8080=nginx")};
    const auto lines = split_lines(report_for(rules, {}, nullptr));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_NE(lines[0].find("tcp/8080 not listening, expected nginx |"), std::string::npos)
        << lines[0];
    EXPECT_EQ(lines[1], "CRITICAL tcp/8080: not listening (allowed: nginx)");
}

TEST(OccupantReport, ManyOccupantsAreCountedAndHostileNamesEscaped) {
    const std::vector<Rule> rules{parse_rule_argument("tcp/8080=nginx")};
    auto hostile = process("x|y=1\nz", "/tmp/a|b\r\nc", 666);
    std::vector<PortOccupant> occupants{bound("0.0.0.0", 8080, {hostile})};
    for (std::uint16_t i = 0; i < 500; ++i) {
        occupants.push_back(connection("127.0.0.1", 8080, "127.0.0.1", 10000 + i,
                                       ConnectionState::time_wait, {}, 0));
    }
    const auto output = report_for(rules, occupants, nullptr);
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 2u) << output;
    EXPECT_EQ(std::count(output.begin(), output.end(), '|'), 1) << output;
    EXPECT_NE(lines[0].find("(in use by a\\x7cb\\x0d\\x0ac pid 666: bound, not listening and 500 "
                            "more)"),
              std::string::npos)
        << lines[0];
    EXPECT_NE(lines[1].find("; in use by 501 sockets: bound, not listening"), std::string::npos)
        << lines[1];
    EXPECT_TRUE(lines[1].ends_with(" (+498 more)")) << lines[1];
    EXPECT_LE(lines[1].size(), 1024u);
    // -vv names more of them, within the same limits (the hostile full command line fills it).
    const auto verbose_output = report_for(rules, occupants, nullptr, 2);
    const auto verbose = split_lines(verbose_output);
    ASSERT_EQ(verbose.size(), 2u) << verbose_output;
    EXPECT_EQ(std::count(verbose_output.begin(), verbose_output.end(), '|'), 1) << verbose_output;
    EXPECT_LE(verbose[1].size(), 1024u);
    occupants.front().local.holders.front() = process("python3", "/usr/bin/python3", 666);
    const auto benign = split_lines(report_for(rules, occupants, nullptr, 2));
    EXPECT_NE(benign[1].find("; in use by 501 sockets: bound, not listening, at 0.0.0.0:8080, by "
                             "python3 pid 666"),
              std::string::npos)
        << benign[1];
    EXPECT_NE(benign[1].find("127.0.0.1:10008 TIME-WAIT"), std::string::npos) << benign[1];
}

}  // namespace
}  // namespace port_owner
