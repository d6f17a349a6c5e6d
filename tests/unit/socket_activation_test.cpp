// SPDX-License-Identifier: GPL-3.0-or-later
// Socket activation: a listener held by systemd (pid 1) for a .socket unit is judged by that
// unit and the service it triggers (core/socket_unit, and how allow entries, the verdict, the
// output and --learn treat such a holder).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/allow_entry.hpp"
#include "core/allow_list_file.hpp"
#include "core/holder_description.hpp"
#include "core/learned_allow_list.hpp"
#include "core/rule.hpp"
#include "core/socket_unit.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using namespace test_support;

TEST(ListenEntry, MatchesTransportAddressAndPort) {
    struct Case {
        SocketUnitListen entry;
        Listener listener;
        bool matches;
    };
    const std::vector<Case> cases{
        {{"Stream", "0.0.0.0:22"}, tcp("0.0.0.0", 22), true},
        {{"Stream", "[::]:22"}, tcp("::", 22), true},
        {{"Stream", "[::]:22"}, tcp("::", 22, true), true},
        {{"Stream", "[::]:22"}, tcp("0.0.0.0", 22), false},
        {{"Stream", "0.0.0.0:22"}, tcp("0.0.0.0", 23), false},
        {{"Stream", "0.0.0.0:22"}, udp("0.0.0.0", 22), false},
        {{"Datagram", "127.0.0.1:5353"}, udp("127.0.0.1", 5353), true},
        {{"Datagram", "127.0.0.1:5353"}, udp("127.0.0.2", 5353), false},
        {{"Stream", "[::1]:8080"}, tcp("::1", 8080), true},
        {{"Stream", "[fe80::1%eth0]:8080"}, tcp("fe80::1", 8080), true},
        // A bare port is the wildcard of whichever family systemd could bind.
        {{"Stream", "22"}, tcp("::", 22), true},
        {{"Stream", "22"}, tcp("127.0.0.1", 22), false},
        // Not TCP or UDP at all, or not an address.
        {{"SequentialPacket", "0.0.0.0:22"}, tcp("0.0.0.0", 22), false},
        {{"Stream", "/run/ssh.sock"}, tcp("0.0.0.0", 22), false},
        {{"Stream", "0.0.0.0:0"}, tcp("0.0.0.0", 0), false},
        {{"Stream", "0.0.0.0:65536"}, tcp("0.0.0.0", 0), false},
        {{"Stream", "0.0.0.0:22x"}, tcp("0.0.0.0", 22), false},
        {{"Stream", "vsock:2:22"}, tcp("0.0.0.0", 22), false},
    };
    for (const auto& [entry, listener, matches] : cases) {
        EXPECT_EQ(listen_entry_matches(entry, listener), matches)
            << entry.type << " " << entry.address << " vs " << listener.address.to_string() << ":"
            << listener.port;
    }
}

TEST(SocketUnit, ServiceIsTheTriggeredServiceOrTheTemplate) {
    SocketUnit ssh{"ssh.socket", false, {"ssh.service"}, {}};
    EXPECT_EQ(service_of_socket_unit(ssh), "ssh.service");
    // Service= names another unit; systemd reports it among the triggers.
    SocketUnit other{"web.socket", false, {"sockets.target", "nginx.service"}, {}};
    EXPECT_EQ(service_of_socket_unit(other), "nginx.service");
    // Accept=yes: an instance per connection, from the template of the socket's name.
    SocketUnit echo{"echo.socket", true, {"echo@3-127.0.0.1:7-127.0.0.1:4242.service"}, {}};
    EXPECT_EQ(service_of_socket_unit(echo), "echo@.service");
    SocketUnit nothing{"lonely.socket", false, {}, {}};
    EXPECT_EQ(service_of_socket_unit(nothing), "");
}

TEST(SocketUnit, UnitsListeningOnAListener) {
    const std::vector<SocketUnit> units{
        {"ssh.socket", false, {"ssh.service"}, {{"Stream", "0.0.0.0:22"}, {"Stream", "[::]:22"}}},
        {"dns.socket", false, {"dns.service"}, {{"Datagram", "127.0.0.1:53"}}},
    };
    const auto found = socket_units_listening_on(tcp("::", 22), units);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0]->name, "ssh.socket");
    EXPECT_TRUE(socket_units_listening_on(tcp("127.0.0.1", 53), units).empty());
    EXPECT_EQ(socket_units_listening_on(udp("127.0.0.1", 53), units).size(), 1u);
}

// sshd before its first connection: systemd holds the socket, the identity is ExecStart's.
ProcessIdentity ssh_before_activation() {
    auto identity = process("systemd", "/usr/sbin/sshd", 1);
    identity.unit = "ssh.service";
    identity.activation.socket_unit = "ssh.socket";
    identity.activation.service_running = false;
    return identity;
}

Rule rule(std::string_view text) {
    auto result = parse_rule_argument(text);
    result.required = true;
    return result;
}

State state_of(std::string_view rule_text, const ProcessIdentity& holder) {
    const std::vector<Rule> rules{rule(rule_text)};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 22), {holder})};
    return evaluate(rules, listeners, {}, on_linux).overall;
}

TEST(SocketActivation, SocketUnitServiceNameAndExeAllMatch) {
    const auto holder = ssh_before_activation();
    EXPECT_EQ(state_of("22=unit:ssh.socket", holder), State::ok);
    EXPECT_EQ(state_of("22=unit:ssh.service", holder), State::ok);
    EXPECT_EQ(state_of("22=sshd", holder), State::ok);
    EXPECT_EQ(state_of("22=exe:/usr/sbin/sshd", holder), State::ok);
    EXPECT_EQ(state_of("22=unit:other.socket", holder), State::critical);
    EXPECT_EQ(state_of("22=nginx", holder), State::critical);
}

TEST(SocketActivation, UnexpectedServiceIsACulpritNamingBothUnits) {
    auto holder = process("systemd", "/usr/bin/python3", 1);
    holder.unit = "rogue.service";
    holder.activation.socket_unit = "rogue.socket";
    const std::vector<Rule> rules{rule("22=sshd")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 22), {holder})};
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    ASSERT_EQ(verdict.findings[0].outcome, Outcome::unexpected);
    const auto text = describe_holder(*verdict.findings[0].culprits[0].holder, 0);
    EXPECT_NE(text.find("unit rogue.service"), std::string::npos) << text;
    EXPECT_NE(text.find("for socket unit rogue.socket"), std::string::npos) << text;
    EXPECT_NE(text.find("held by systemd pid 1"), std::string::npos) << text;
}

TEST(SocketActivation, RunningServiceIsDescribedWithoutTheExecStartNote) {
    auto holder = process("sshd", "/usr/sbin/sshd", 812);
    holder.unit = "ssh.service";
    holder.activation.socket_unit = "ssh.socket";
    holder.activation.service_running = true;
    const auto text = describe_holder(holder, 0);
    EXPECT_NE(text.find("for socket unit ssh.socket"), std::string::npos) << text;
    EXPECT_EQ(text.find("held by systemd pid 1"), std::string::npos) << text;
}

// Without systemd's answer, pid 1 may hold the socket for an allowed socket unit or for none:
// never OK on the unit, never CRITICAL on "systemd", but UNKNOWN with the reason.
TEST(SocketActivation, UnconfirmedPidOneIsUnattributedWithTheReason) {
    auto holder = process("systemd", "/usr/lib/systemd/systemd", 1);
    holder.unit = "init.scope";
    holder.activation.unconfirmed = "systemd's D-Bus API could not be asked (no bus)";
    for (const auto* text : {"22=unit:ssh.socket", "22=sshd"}) {
        const std::vector<Rule> rules{rule(text)};
        const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 22), {holder})};
        const auto verdict = evaluate(rules, listeners, {}, on_linux);
        ASSERT_EQ(verdict.findings[0].outcome, Outcome::unattributed) << text;
        EXPECT_EQ(verdict.overall, State::unknown);
        EXPECT_NE(verdict.findings[0].unattributed[0].reason.find("no bus"), std::string::npos);
    }
    // What is known still decides: the holder is pid 1, systemd.
    EXPECT_EQ(state_of("22=systemd", holder), State::ok);
}

// After activation the service's process holds the socket beside pid 1; without systemd's
// answer it may be that service, so it is no culprit either.
TEST(SocketActivation, OtherHoldersBesidesAnUnconfirmedPidOneAreUndecided) {
    auto pid_one = process("systemd", "/usr/lib/systemd/systemd", 1);
    pid_one.unit = "init.scope";
    pid_one.activation.unconfirmed = "no bus";
    auto sshd = process("sshd", "/usr/sbin/sshd", 700);
    sshd.unit = "ssh.service";
    const std::vector<Rule> rules{rule("22=unit:ssh.socket")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 22), {pid_one, sshd})};
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    ASSERT_EQ(verdict.findings[0].outcome, Outcome::unattributed);
    EXPECT_TRUE(verdict.findings[0].culprits.empty());
    EXPECT_EQ(verdict.findings[0].unattributed[0].reason, "no bus");
}

// pid 1 holding a socket for no socket unit is a holder like any other.
TEST(SocketActivation, PidOneForNoSocketUnitIsAnOrdinaryHolder) {
    auto holder = process("systemd", "/usr/lib/systemd/systemd", 1);
    holder.unit = "init.scope";
    EXPECT_EQ(state_of("22=sshd", holder), State::critical);
    EXPECT_EQ(state_of("22=unit:ssh.socket", holder), State::critical);
    EXPECT_EQ(state_of("22=systemd", holder), State::ok);
}

TEST(SocketActivation, LearnWritesTheSocketUnit) {
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 22), {ssh_before_activation()})};
    EphemeralPorts ephemeral;
    const auto text = format_learned_allow_list(listeners, ephemeral, on_linux);
    EXPECT_NE(text.find("unit:ssh.socket"), std::string::npos) << text;
    EXPECT_EQ(text.find("exe:"), std::string::npos) << text;
    const auto file = parse_allow_list(text, "learned.ini");
    EXPECT_EQ(evaluate(file.rules, listeners, {}, on_linux).overall, State::ok);
}

}  // namespace
}  // namespace port_owner
