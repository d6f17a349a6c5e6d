// SPDX-License-Identifier: GPL-3.0-or-later
// Verdict (docs/architecture.md): each rule's outcome and state, overall state, the order of the
// findings and the unlisted listeners.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/rule.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using namespace test_support;

Rule rule(std::string_view text, StateOverrides states = {}, bool required = true) {
    auto result = parse_rule_argument(text);
    result.states = states;
    result.required = required;
    return result;
}

ObservedListener unidentified(Listener socket, std::uint32_t uid, std::string user) {
    socket.socket_uid = uid;
    socket.socket_user = std::move(user);
    return observed(socket, {}, false, "no permission to read the fds of other users' processes");
}

struct Scenario {
    std::string name;
    Rule rule;
    std::vector<ObservedListener> listeners;
    StateDefaults defaults;
    Outcome outcome;
    State state;
};

void PrintTo(const Scenario& scenario, std::ostream* out) {
    *out << scenario.name;
}

class VerdictScenario : public ::testing::TestWithParam<Scenario> {};

TEST_P(VerdictScenario, GivesTheExpectedFinding) {
    const auto& s = GetParam();
    const std::vector<Rule> rules{s.rule};
    const auto verdict = evaluate(rules, s.listeners, s.defaults, on_linux);
    ASSERT_EQ(verdict.findings.size(), 1u);
    const auto& finding = verdict.findings[0];
    EXPECT_EQ(finding.rule, &rules[0]);
    EXPECT_EQ(finding.outcome, s.outcome) << outcome_name(finding.outcome);
    EXPECT_EQ(finding.state, s.state) << state_word(finding.state);
    EXPECT_EQ(verdict.overall, s.state);
    EXPECT_EQ(verdict.count(s.outcome), 1u);
    if (s.outcome == Outcome::unexpected) {
        EXPECT_FALSE(finding.culprits.empty());
    } else {
        EXPECT_TRUE(finding.culprits.empty());
    }
    if (s.outcome == Outcome::unattributed) {
        EXPECT_FALSE(finding.unattributed.empty());
    }
    if (s.outcome == Outcome::missing) {
        EXPECT_TRUE(finding.listeners.empty());
    }
}

const StateDefaults defaults{};
const StateDefaults lenient{State::warning, State::warning, State::ok};

std::vector<ObservedListener> held_by(ProcessIdentity holder,
                                      Listener socket = tcp("0.0.0.0", 80)) {
    return {observed(socket, {std::move(holder)})};
}

const ProcessIdentity impostor = process("msproxy", "/opt/ms/msproxy", 4242);

ProcessIdentity unverified(ProcessIdentity holder) {
    holder.executable_file = ExecutableFileCheck::unknown;
    return holder;
}

ProcessIdentity bind_mounted(ProcessIdentity holder) {
    holder.executable_file = ExecutableFileCheck::different_file;
    holder.other_mount_namespace = true;
    return holder;
}

Listener v6only_unknown(Listener socket) {
    socket.v6only_known = false;
    return socket;
}

INSTANTIATE_TEST_SUITE_P(
    Table, VerdictScenario,
    ::testing::Values(
        Scenario{"ok", rule("80=nginx"), held_by(nginx()), defaults, Outcome::ok, State::ok},
        Scenario{"ok_v6_dual_stack_for_v4_rule", rule("tcp4/80=nginx"),
                 held_by(nginx(), tcp("::", 80, false)), defaults, Outcome::ok, State::ok},
        Scenario{"missing_v6only_for_v4_rule", rule("tcp4/80=nginx"),
                 held_by(nginx(), tcp("::", 80, true)), defaults, Outcome::missing,
                 State::critical},
        Scenario{
            "missing_required", rule("80=nginx"), {}, defaults, Outcome::missing, State::critical},
        Scenario{"missing_other_port_only", rule("80=nginx"), held_by(nginx(), tcp("0.0.0.0", 81)),
                 defaults, Outcome::missing, State::critical},
        Scenario{"missing_default_warning",
                 rule("80=nginx"),
                 {},
                 lenient,
                 Outcome::missing,
                 State::warning},
        Scenario{"missing_rule_overrides_default",
                 rule("80=nginx", {State::unknown, {}, {}}),
                 {},
                 defaults,
                 Outcome::missing,
                 State::unknown},
        Scenario{"missing_rule_override_ok",
                 rule("80=nginx", {State::ok, {}, {}}),
                 {},
                 defaults,
                 Outcome::missing,
                 State::ok},
        Scenario{"missing_not_required_is_ok",
                 rule("80=nginx", {}, false),
                 {},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{"not_required_still_checks_holder", rule("80=nginx", {}, false), held_by(impostor),
                 defaults, Outcome::unexpected, State::critical},
        Scenario{"unexpected", rule("80=nginx"), held_by(impostor), defaults, Outcome::unexpected,
                 State::critical},
        Scenario{"unexpected_spoofed_comm", rule("80=nginx"),
                 held_by(process("nginx", "/tmp/evil", 666)), defaults, Outcome::unexpected,
                 State::critical},
        Scenario{"unexpected_default_warning", rule("80=nginx"), held_by(impostor), lenient,
                 Outcome::unexpected, State::warning},
        Scenario{"unexpected_rule_override", rule("80=nginx", {{}, State::warning, {}}),
                 held_by(impostor), defaults, Outcome::unexpected, State::warning},
        Scenario{"unexpected_rule_override_beats_default",
                 rule("80=nginx", {{}, State::critical, {}}), held_by(impostor), lenient,
                 Outcome::unexpected, State::critical},
        Scenario{"unexpected_with_allowed_holder_too",
                 rule("80=nginx"),
                 {observed(tcp("0.0.0.0", 80), {nginx(), impostor})},
                 defaults,
                 Outcome::unexpected,
                 State::critical},
        Scenario{
            "unexpected_on_second_listener",
            rule("80=nginx"),
            {observed(tcp("0.0.0.0", 80), {nginx()}), observed(tcp("::", 80, true), {impostor})},
            defaults,
            Outcome::unexpected,
            State::critical},
        Scenario{"unexpected_beats_unattributed",
                 rule("80=nginx"),
                 {unidentified(tcp("::", 80, true), 0, "root"),
                  observed(tcp("0.0.0.0", 80), {impostor})},
                 defaults,
                 Outcome::unexpected,
                 State::critical},
        Scenario{"unexpected_even_if_holders_incomplete",
                 rule("80=nginx"),
                 {observed(tcp("0.0.0.0", 80), {impostor}, false, "hidepid")},
                 defaults,
                 Outcome::unexpected,
                 State::critical},
        Scenario{"unattributed_no_holders",
                 rule("80=nginx"),
                 {unidentified(tcp("0.0.0.0", 80), 0, "root")},
                 defaults,
                 Outcome::unattributed,
                 State::unknown},
        Scenario{"unattributed_no_holders_complete_scan",
                 rule("80=nginx"),
                 {observed(tcp("0.0.0.0", 80))},
                 defaults,
                 Outcome::unattributed,
                 State::unknown},
        Scenario{"unattributed_default_ok",
                 rule("80=nginx"),
                 {unidentified(tcp("0.0.0.0", 80), 0, "root")},
                 lenient,
                 Outcome::unattributed,
                 State::ok},
        Scenario{"unattributed_rule_override",
                 rule("80=nginx", {{}, {}, State::critical}),
                 {unidentified(tcp("0.0.0.0", 80), 0, "root")},
                 defaults,
                 Outcome::unattributed,
                 State::critical},
        Scenario{"unattributed_user_entry_other_uid",
                 rule("udp/53=user:bind"),
                 {unidentified(udp("0.0.0.0", 53), 0, "root")},
                 defaults,
                 Outcome::unattributed,
                 State::unknown},
        Scenario{"ok_user_entry_matches_socket_uid_by_name",
                 rule("udp/53=user:bind"),
                 {unidentified(udp("0.0.0.0", 53), 108, "bind")},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{"ok_user_entry_matches_socket_uid_by_number",
                 rule("udp/53=user:108"),
                 {unidentified(udp("0.0.0.0", 53), 108, "bind")},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{"ok_one_user_only_entry_among_others",
                 rule("udp/53=named,user:bind"),
                 {unidentified(udp("0.0.0.0", 53), 108, "bind")},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{"unattributed_user_plus_name_needs_the_process",
                 rule("udp/53=named+user:bind"),
                 {unidentified(udp("0.0.0.0", 53), 108, "bind")},
                 defaults,
                 Outcome::unattributed,
                 State::unknown},
        // Some processes could not be examined: one of them may share the socket, so the
        // identified holders alone cannot make the listener OK.
        Scenario{"unattributed_holders_incomplete_all_identified_allowed",
                 rule("80=nginx"),
                 {observed(tcp("0.0.0.0", 80), {nginx()}, false, "hidepid")},
                 defaults,
                 Outcome::unattributed,
                 State::unknown},
        Scenario{"unexpected_holders_incomplete_with_a_culprit",
                 rule("80=nginx"),
                 {observed(tcp("0.0.0.0", 80), {nginx(), impostor}, false, "hidepid")},
                 defaults,
                 Outcome::unexpected,
                 State::critical},
        Scenario{"ok_holders_incomplete_settled_by_the_socket_owner",
                 rule("80=nginx,user:root"),
                 {observed(tcp("0.0.0.0", 80), {nginx()}, false, "hidepid")},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{"ok_holders_incomplete_any_holder_rule",
                 rule("80"),
                 {observed(tcp("0.0.0.0", 80), {nginx()}, false, "hidepid")},
                 defaults,
                 Outcome::ok,
                 State::ok},
        // The executable cannot be read (a path longer than PATH_MAX): comm proves nothing.
        Scenario{"unattributed_name_rule_executable_unreadable", rule("80=nginx"),
                 held_by(process("nginx", std::nullopt)), defaults, Outcome::unattributed,
                 State::unknown},
        Scenario{"unattributed_exe_rule_file_not_checked", rule("80=exe:/usr/sbin/nginx"),
                 held_by(unverified(nginx())), defaults, Outcome::unattributed, State::unknown},
        Scenario{"unexpected_exe_rule_other_file_at_the_path", rule("80=exe:/usr/sbin/nginx"),
                 held_by(bind_mounted(nginx())), defaults, Outcome::unexpected, State::critical},
        Scenario{"ok_executable_unreadable_but_name_entry_matches", rule("80=nginx,name:nginx"),
                 held_by(process("nginx", std::nullopt)), defaults, Outcome::ok, State::ok},
        Scenario{"ok_executable_unreadable_but_user_entry_matches", rule("80=nginx,user:root"),
                 held_by(process("nginx", std::nullopt)), defaults, Outcome::ok, State::ok},
        Scenario{"unexpected_executable_unreadable_and_user_fails", rule("80=nginx+user:www-data"),
                 held_by(process("nginx", std::nullopt)), defaults, Outcome::unexpected,
                 State::critical},
        // A wildcard rule is taken over by a specific listener on its port as well.
        Scenario{"unexpected_specific_joiner_on_wildcard_rule",
                 rule("tcp/0.0.0.0:8080=nginx"),
                 {observed(tcp("0.0.0.0", 8080), {nginx()}),
                  observed(tcp("127.0.0.1", 8080), {impostor})},
                 defaults,
                 Outcome::unexpected,
                 State::critical},
        Scenario{"unexpected_specific_joiner_on_ipv6_wildcard_rule",
                 rule("tcp/[::]:8080=nginx"),
                 {observed(tcp("::", 8080), {nginx()}), observed(tcp("::1", 8080), {impostor})},
                 defaults,
                 Outcome::unexpected,
                 State::critical},
        // /proc/net cannot show IPV6_V6ONLY: an IPv4 rule that rests on [::] is undecided.
        Scenario{"undecided_ipv4_rule_only_an_ipv6_wildcard_of_unknown_v6only",
                 rule("tcp4/8080=nginx"),
                 {observed(v6only_unknown(tcp("::", 8080)), {nginx()})},
                 defaults,
                 Outcome::undecided,
                 State::unknown},
        Scenario{"undecided_even_when_missing_would_be_ok",
                 rule("tcp4/8080=nginx"),
                 {observed(v6only_unknown(tcp("::", 8080)), {nginx()})},
                 lenient,
                 Outcome::undecided,
                 State::unknown},
        Scenario{"undecided_ipv4_rule_impostor_on_an_ipv6_wildcard_of_unknown_v6only",
                 rule("tcp/127.0.0.1:8080=nginx"),
                 {observed(tcp("0.0.0.0", 8080), {nginx()}),
                  observed(v6only_unknown(tcp("::", 8080)), {impostor})},
                 defaults,
                 Outcome::undecided,
                 State::unknown},
        Scenario{"ok_ipv4_rule_allowed_holder_on_an_ipv6_wildcard_of_unknown_v6only",
                 rule("tcp4/8080=nginx"),
                 {observed(tcp("0.0.0.0", 8080), {nginx()}),
                  observed(v6only_unknown(tcp("::", 8080)), {nginx()})},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{"ok_dual_stack_rule_does_not_depend_on_v6only",
                 rule("tcp/8080=nginx"),
                 {observed(v6only_unknown(tcp("::", 8080)), {nginx()})},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{
            "unattributed_one_of_two_listeners",
            rule("80=nginx"),
            {observed(tcp("0.0.0.0", 80), {nginx()}), unidentified(tcp("::", 80, true), 0, "root")},
            defaults,
            Outcome::unattributed,
            State::unknown},
        Scenario{"ok_any_holder_rule_with_holder", rule("22"),
                 held_by(process("dropbear", "/usr/sbin/dropbear"), tcp("0.0.0.0", 22)), defaults,
                 Outcome::ok, State::ok},
        Scenario{"ok_any_holder_rule_without_holder",
                 rule("22"),
                 {unidentified(tcp("0.0.0.0", 22), 0, "root")},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{
            "missing_any_holder_rule", rule("22"), {}, defaults, Outcome::missing, State::critical},
        Scenario{"ok_range_rule",
                 rule("8000-8010=java"),
                 {observed(tcp("0.0.0.0", 8000), {process("java", "/usr/bin/java")}),
                  observed(tcp("0.0.0.0", 8010), {process("java", "/usr/bin/java", 101)})},
                 defaults,
                 Outcome::ok,
                 State::ok},
        Scenario{"ok_wildcard_listener_for_address_rule", rule("tcp/127.0.0.1:8080=nginx"),
                 held_by(nginx(), tcp("0.0.0.0", 8080)), defaults, Outcome::ok, State::ok},
        Scenario{"udp_rule_ignores_tcp_listener", rule("udp/53=named"),
                 held_by(impostor, tcp("0.0.0.0", 53)), defaults, Outcome::missing,
                 State::critical}));

TEST(Verdict, CulpritPointsAtTheListenerAndHolder) {
    const std::vector<Rule> rules{rule("80=nginx")};
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 80), {nginx(), impostor})};
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    ASSERT_EQ(verdict.findings[0].culprits.size(), 1u);
    EXPECT_EQ(verdict.findings[0].culprits[0].listener, &listeners[0]);
    EXPECT_EQ(verdict.findings[0].culprits[0].holder, &listeners[0].holders[1]);
    EXPECT_EQ(verdict.findings[0].listeners, std::vector<const ObservedListener*>{&listeners[0]});
}

TEST(Verdict, UnreadableExecutableIsUnattributedWithTheReason) {
    const std::vector<Rule> rules{rule("80=nginx")};
    auto holder = process("nginx", std::nullopt, 4242);
    holder.executable_problem = "its path is longer than PATH_MAX";
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {holder})};
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    const auto& finding = verdict.findings[0];
    ASSERT_EQ(finding.outcome, Outcome::unattributed);
    ASSERT_EQ(finding.unattributed.size(), 1u);
    EXPECT_EQ(finding.unattributed[0].holder, &listeners[0].holders[0]);
    EXPECT_NE(finding.unattributed[0].reason.find("pid 4242"), std::string::npos);
    EXPECT_NE(finding.unattributed[0].reason.find("longer than PATH_MAX"), std::string::npos);
}

// Windows reports no socket owner: a user:-only entry must not be decided from the default uid 0
// of a socket nobody could attribute.
TEST(Verdict, UnknownSocketOwnerNeverSatisfiesAUserEntry) {
    const std::vector<Rule> rules{rule("80=user:0"), rule("81=user:root")};
    auto port_80 = unidentified(tcp("0.0.0.0", 80), 0, "unknown");
    auto port_81 = unidentified(tcp("0.0.0.0", 81), 0, "unknown");
    port_80.socket.socket_owner_known = false;
    port_81.socket.socket_owner_known = false;
    const std::vector<ObservedListener> listeners{port_80, port_81};
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    for (const auto& finding : verdict.findings) {
        EXPECT_EQ(finding.outcome, Outcome::unattributed);
    }
    EXPECT_NE(verdict.overall, State::ok);
}

// A command line that could not be read is not an empty one: "cmdline:.*" would match it.
TEST(Verdict, UnreadableCommandLineLeavesCmdlineEntriesUndecided) {
    const std::vector<Rule> rules{rule("80=cmdline:.*"), rule("81=nginx,cmdline:.*")};
    auto holder = process("rogue", "/tmp/rogue", 666);
    holder.command_line.clear();
    holder.command_line_known = false;
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {holder}),
                                                  observed(tcp("0.0.0.0", 81), {holder})};
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    for (const auto& finding : verdict.findings) {
        EXPECT_EQ(finding.outcome, Outcome::unattributed) << finding.rule->label();
    }
}

TEST(State, SeverityOrderIsCriticalWarningUnknownOk) {
    EXPECT_GT(severity(State::critical), severity(State::warning));
    EXPECT_GT(severity(State::warning), severity(State::unknown));
    EXPECT_GT(severity(State::unknown), severity(State::ok));
    const State all[] = {State::ok, State::warning, State::critical, State::unknown};
    for (const auto a : all) {
        for (const auto b : all) {
            const auto worse = worse_of(a, b);
            EXPECT_TRUE(worse == a || worse == b);
            EXPECT_GE(severity(worse), severity(a));
            EXPECT_GE(severity(worse), severity(b));
            EXPECT_EQ(worse, worse_of(b, a));
        }
    }
    EXPECT_EQ(parse_state("warning"), State::warning);
    EXPECT_EQ(parse_state("bogus"), std::nullopt);
    EXPECT_EQ(state_word(State::unknown), "UNKNOWN");
}

// Four missing rules whose states come from per-rule overrides, in every order: the overall state
// is the worst and the findings are sorted worst first, ties in rule order.
TEST(Verdict, OverallStateAndOrderForEveryPermutation) {
    std::vector<State> states{State::ok, State::unknown, State::warning, State::critical};
    std::sort(states.begin(), states.end());
    do {
        std::vector<Rule> rules;
        for (std::size_t i = 0; i < states.size(); ++i) {
            rules.push_back(rule(std::to_string(1000 + i), {states[i], {}, {}}));
        }
        const auto verdict = evaluate(rules, {}, {}, on_linux);
        std::string order;
        for (const auto state : states) {
            order += std::string(state_word(state)) + " ";
        }
        SCOPED_TRACE(order);
        EXPECT_EQ(verdict.overall, State::critical);
        ASSERT_EQ(verdict.findings.size(), 4u);
        EXPECT_EQ(verdict.findings[0].state, State::critical);
        EXPECT_EQ(verdict.findings[1].state, State::warning);
        EXPECT_EQ(verdict.findings[2].state, State::unknown);
        EXPECT_EQ(verdict.findings[3].state, State::ok);
    } while (std::next_permutation(states.begin(), states.end()));
}

TEST(Verdict, OverallIsTheWorstPresent) {
    struct Case {
        std::vector<State> states;
        State overall;
    };
    const Case cases[] = {
        {{}, State::ok},
        {{State::ok}, State::ok},
        {{State::ok, State::unknown}, State::unknown},
        {{State::unknown, State::warning}, State::warning},
        {{State::warning, State::unknown, State::ok}, State::warning},
        {{State::unknown, State::critical, State::warning}, State::critical},
        {{State::unknown, State::unknown}, State::unknown},
    };
    for (const auto& c : cases) {
        std::vector<Rule> rules;
        for (std::size_t i = 0; i < c.states.size(); ++i) {
            rules.push_back(rule(std::to_string(2000 + i), {c.states[i], {}, {}}));
        }
        SCOPED_TRACE(std::string("expect ") + std::string(state_word(c.overall)));
        EXPECT_EQ(evaluate(rules, {}, {}, on_linux).overall, c.overall);
    }
}

TEST(Verdict, FindingsSortedWorstFirstKeepingRuleOrderForTies) {
    const std::vector<Rule> rules{
        rule("21=vsftpd"),                            // OK
        rule("22=sshd"),                              // UNKNOWN (unattributed)
        rule("23=telnetd"),                           // CRITICAL (missing)
        rule("25=exim4"),                             // OK
        rule("80=nginx"),                             // CRITICAL (unexpected)
        rule("443=nginx", {{}, State::warning, {}}),  // WARNING (unexpected)
    };
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 21), {process("vsftpd", "/usr/sbin/vsftpd", 10)}),
        unidentified(tcp("0.0.0.0", 22), 0, "root"),
        observed(tcp("0.0.0.0", 25), {process("exim4", "/usr/sbin/exim4", 11)}),
        observed(tcp("0.0.0.0", 80), {impostor}),
        observed(tcp("0.0.0.0", 443), {impostor}),
    };
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    std::vector<std::string> order;
    for (const auto& finding : verdict.findings) {
        order.push_back(finding.rule->label() + " " + std::string(state_word(finding.state)));
    }
    EXPECT_EQ(order,
              (std::vector<std::string>{"tcp/23 CRITICAL", "tcp/80 CRITICAL", "tcp/443 WARNING",
                                        "tcp/22 UNKNOWN", "tcp/21 OK", "tcp/25 OK"}));
    EXPECT_EQ(verdict.overall, State::critical);
    EXPECT_EQ(verdict.count(Outcome::ok), 2u);
    EXPECT_EQ(verdict.count(Outcome::missing), 1u);
    EXPECT_EQ(verdict.count(Outcome::unexpected), 2u);
    EXPECT_EQ(verdict.count(Outcome::unattributed), 1u);
}

TEST(Verdict, UnlistedListenersAreThoseNoRuleCovers) {
    const std::vector<Rule> rules{rule("80=nginx"), rule("udp/53=named"),
                                  rule("tcp/127.0.0.1:8080")};
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 80), {nginx()}),   // covered
        observed(tcp("0.0.0.0", 22), {}),          // unlisted
        observed(udp("127.0.0.53", 53), {}),       // covered
        observed(tcp("0.0.0.0", 53), {}),          // unlisted: tcp, rule is udp
        observed(tcp("127.0.0.2", 8080), {}),      // unlisted: other address
        observed(tcp("127.0.0.1", 8080), {}),      // covered
        observed(tcp("::", 80, true), {nginx()}),  // covered
    };
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    EXPECT_EQ(verdict.unlisted,
              (std::vector<const ObservedListener*>{&listeners[1], &listeners[3], &listeners[4]}));
}

TEST(Verdict, NoRulesIsOk) {
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 22), {})};
    const auto verdict = evaluate({}, listeners, {}, on_linux);
    EXPECT_EQ(verdict.overall, State::ok);
    EXPECT_TRUE(verdict.findings.empty());
    EXPECT_EQ(verdict.unlisted.size(), 1u);
}

}  // namespace
}  // namespace port_owner

namespace port_owner {
namespace {

using namespace test_support;

// The seed scenario on Windows: IIS (inetinfo.exe) should hold port 80; a rogue.exe took it.
const std::string rogue_path = "C:\\Users\\mallory\\Downloads\\rogue.exe";

ProcessIdentity windows_inetinfo() {
    return windows_process("C:\\Windows\\System32\\inetsrv\\inetinfo.exe", 1840);
}

ProcessIdentity windows_rogue() {
    return windows_process(rogue_path, 6660, "CONTOSO\\mallory", "S-1-5-21-7-7-7-1001");
}

Finding judged_on_windows(const std::vector<Rule>& rules,
                          const std::vector<ObservedListener>& listeners) {
    const auto verdict = evaluate(rules, listeners, {}, on_windows);
    EXPECT_EQ(verdict.findings.size(), 1u);
    return verdict.findings.at(0);
}

TEST(VerdictWindows, RogueHoldingPort80IsCriticalAndNamed) {
    const std::vector<Rule> rules{rule("80=inetinfo")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {windows_rogue()}),
                                                  observed(tcp("::", 80, true), {})};
    const auto finding = judged_on_windows(rules, listeners);
    EXPECT_EQ(finding.outcome, Outcome::unexpected);
    EXPECT_EQ(finding.state, State::critical);
    ASSERT_EQ(finding.culprits.size(), 1u);
    EXPECT_EQ(finding.culprits[0].holder->pid, 6660);
    EXPECT_EQ(*finding.culprits[0].holder->executable, rogue_path);
}

TEST(VerdictWindows, InetinfoHoldingPort80IsOkInAnySpelling) {
    for (const char* text :
         {"80=inetinfo", "80=inetinfo.exe", "80=INETINFO.EXE",
          "80=exe:c:/windows/system32/inetsrv/*", "80=user:SYSTEM", "80=user:S-1-5-18"}) {
        SCOPED_TRACE(text);
        const std::vector<Rule> rules{rule(text)};
        const auto finding =
            judged_on_windows(rules, {observed(tcp("0.0.0.0", 80), {windows_inetinfo()})});
        EXPECT_EQ(finding.outcome, Outcome::ok);
        EXPECT_EQ(finding.state, State::ok);
    }
}

TEST(VerdictWindows, LinuxConventionsDoNotAllowOtherSpellings) {
    // The same rule on a Linux host: names are case-sensitive and '.exe' is part of the name.
    const std::vector<Rule> rules{rule("80=Nginx")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {nginx()})};
    EXPECT_EQ(evaluate(rules, listeners, {}, on_linux).findings[0].outcome, Outcome::unexpected);
    EXPECT_EQ(evaluate(rules, listeners, {}, on_windows).findings[0].outcome, Outcome::ok);
}

TEST(VerdictWindows, NumericUserNeverAllowsOnWindows) {
    // user:0 would be root on Linux. On Windows there are no uids: the entry allows nothing,
    // neither a seen holder nor an unseen one through the socket owner, and the finding says why.
    const std::vector<Rule> rules{rule("80=user:0")};
    const auto seen =
        judged_on_windows(rules, {observed(tcp("0.0.0.0", 80), {windows_inetinfo()})});
    EXPECT_EQ(seen.outcome, Outcome::unexpected);
    ASSERT_EQ(seen.never_matching.size(), 1u);
    EXPECT_NE(seen.never_matching[0].find("user:0"), std::string::npos);
    auto unseen = observed(tcp("0.0.0.0", 80), {}, false, "access denied");
    unseen.socket.socket_user = "NT AUTHORITY\\SYSTEM";
    const auto hidden = judged_on_windows(rules, {unseen});
    EXPECT_EQ(hidden.outcome, Outcome::unattributed);
    EXPECT_EQ(hidden.never_matching.size(), 1u);
}

TEST(Verdict, ServiceEntryOnLinuxFailsWithTheReason) {
    // An allow-list shared with Windows hosts: on Linux, service: allows nothing, and says so.
    const std::vector<Rule> rules{rule("80=service:W3SVC")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {nginx()})};
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    const auto& finding = verdict.findings[0];
    EXPECT_EQ(finding.outcome, Outcome::unexpected);
    ASSERT_EQ(finding.never_matching.size(), 1u);
    EXPECT_NE(finding.never_matching[0].find("service:W3SVC"), std::string::npos);
    // An entry that can match leaves nothing to explain; the OK rule neither.
    const std::vector<Rule> mixed{rule("80=service:W3SVC,nginx")};
    const auto ok = evaluate(mixed, listeners, {}, on_linux);
    EXPECT_EQ(ok.findings[0].outcome, Outcome::ok);
    EXPECT_TRUE(ok.findings[0].never_matching.empty());
}

}  // namespace
}  // namespace port_owner
