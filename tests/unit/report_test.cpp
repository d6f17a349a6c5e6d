// SPDX-License-Identifier: GPL-3.0-or-later
// The plugin output (docs/architecture.md, "The plugin contract"): layout, order,
// limits, and that attacker-controlled text cannot change it.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/holder_description.hpp"
#include "core/report.hpp"
#include "core/rule.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using namespace test_support;

std::size_t count_of(std::string_view text, char c) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), c));
}

std::string first_word(std::string_view line) {
    return std::string(line.substr(0, line.find(' ')));
}

// Checks every layout rule of the plugin contract (docs/architecture.md) that holds for any output.
void expect_well_formed(const std::string& output) {
    ASSERT_FALSE(output.empty());
    EXPECT_EQ(output.back(), '\n');
    const auto lines = split_lines(output);
    ASSERT_FALSE(lines.empty());
    EXPECT_TRUE(lines[0].starts_with("PORT_OWNER ")) << lines[0];
    const auto state = lines[0].substr(11, lines[0].find(' ', 11) - 11);
    EXPECT_TRUE(state == "OK" || state == "WARNING" || state == "CRITICAL" || state == "UNKNOWN")
        << lines[0];
    EXPECT_TRUE(lines[0].substr(11 + state.size()).starts_with(" - ")) << lines[0];
    EXPECT_EQ(count_of(output, '|'), 1u) << output;
    EXPECT_NE(lines[0].find(" | "), std::string::npos) << lines[0];
    EXPECT_EQ(count_of(output, '\r'), 0u);
    for (const char c : output) {
        const auto byte = static_cast<unsigned char>(c);
        EXPECT_FALSE((byte < 0x20 && c != '\n') || byte == 0x7F)
            << "control byte " << static_cast<int>(byte);
    }
    EXPECT_TRUE(is_valid_utf8(output));
    for (const std::string_view separator : {"\xe2\x80\xa8", "\xe2\x80\xa9", "\xc2\x85"}) {
        EXPECT_EQ(output.find(separator), std::string::npos);
    }
    EXPECT_LE(lines[0].size() + 1, 1024u);
    EXPECT_LE(output.size(), 8192u);
}

Rule rule(std::string_view text, StateOverrides states = {}) {
    auto result = parse_rule_argument(text);
    result.states = states;
    return result;
}

ProcessIdentity holder_without_unit(std::string name, std::string exe, int pid) {
    auto identity = process(std::move(name), std::move(exe), pid);
    identity.command_line = identity.executable.value();
    return identity;
}

TEST(Report, DesignExample) {
    const std::vector<Rule> rules{rule("tcp/80=nginx,exe:/usr/sbin/apache2"), rule("tcp/443=nginx"),
                                  rule("udp/53=systemd-resolved")};
    auto resolved = process("systemd-resolve", "/usr/lib/systemd/systemd-resolved", 312, 991,
                            "systemd-resolve");
    resolved.unit = "systemd-resolved.service";
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 80), {holder_without_unit("msproxy", "/opt/ms/msproxy", 4242)}),
        observed(tcp("0.0.0.0", 443), {holder_without_unit("nginx", "/usr/sbin/nginx", 901)}),
        observed(tcp("::", 443, true), {holder_without_unit("nginx", "/usr/sbin/nginx", 901)}),
        observed(udp("127.0.0.53", 53), {resolved}),
    };
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    const auto output = format_report(verdict, {listeners.size(), 0.012, 0, {}, {}});
    expect_well_formed(output);
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 4u) << output;
    EXPECT_TRUE(
        lines[0].starts_with("PORT_OWNER CRITICAL - tcp/80 held by msproxy (pid 4242, "
                             "user root), expected nginx"))
        << lines[0];
    EXPECT_EQ(lines[1],
              "CRITICAL tcp/80 0.0.0.0: msproxy pid 4242 user root exe /opt/ms/msproxy (allowed: "
              "nginx, exe:/usr/sbin/apache2)");
    EXPECT_EQ(lines[2], "OK tcp/443 0.0.0.0, [::]: nginx pid 901 user root exe /usr/sbin/nginx");
    EXPECT_EQ(lines[3],
              "OK udp/53 127.0.0.53: systemd-resolved pid 312 user systemd-resolve exe "
              "/usr/lib/systemd/systemd-resolved unit systemd-resolved.service");
}

TEST(Report, FirstLineWordMatchesTheOverallState) {
    struct Case {
        StateOverrides states;
        std::string word;
    };
    const Case cases[] = {
        {{State::ok, {}, {}}, "OK"},
        {{State::warning, {}, {}}, "WARNING"},
        {{State::critical, {}, {}}, "CRITICAL"},
        {{State::unknown, {}, {}}, "UNKNOWN"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.word);
        const std::vector<Rule> rules{rule("80=nginx", c.states)};
        const auto output = format_report(evaluate(rules, {}, {}, on_linux), {});
        expect_well_formed(output);
        EXPECT_TRUE(output.starts_with("PORT_OWNER " + c.word + " - ")) << output;
    }
}

TEST(Report, OneLongLinePerRuleWorstFirst) {
    const std::vector<Rule> rules{rule("21=vsftpd"), rule("22=sshd"), rule("23=telnetd"),
                                  rule("443=nginx", {{}, State::warning, {}}), rule("80=nginx")};
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 21), {process("vsftpd", "/usr/sbin/vsftpd", 10)}),
        observed(tcp("0.0.0.0", 22), {}, false, "permission denied"),
        observed(tcp("0.0.0.0", 443), {process("evil", "/tmp/evil", 13)}),
        observed(tcp("0.0.0.0", 80), {nginx()}),
    };
    for (int verbosity = 0; verbosity <= 3; ++verbosity) {
        SCOPED_TRACE(verbosity);
        const auto output =
            format_report(evaluate(rules, listeners, {}, on_linux), {4, 0.5, verbosity, {}, {}});
        expect_well_formed(output);
        const auto lines = split_lines(output);
        ASSERT_EQ(lines.size(), 1 + rules.size()) << output;
        std::vector<std::string> words;
        for (std::size_t i = 1; i < lines.size(); ++i) {
            // "STATE LABEL ADDRESSES: ..." or "STATE LABEL: not listening ..."
            const auto label_start = lines[i].find(' ') + 1;
            auto label =
                lines[i].substr(label_start, lines[i].find(' ', label_start) - label_start);
            if (label.ends_with(':')) {
                label.pop_back();
            }
            words.push_back(first_word(lines[i]) + " " + label);
        }
        EXPECT_EQ(words, (std::vector<std::string>{"CRITICAL tcp/23", "WARNING tcp/443",
                                                   "UNKNOWN tcp/22", "OK tcp/21", "OK tcp/80"}));
        EXPECT_TRUE(lines[0].starts_with("PORT_OWNER CRITICAL - tcp/23 not listening")) << lines[0];
    }
}

// "In use but nobody listens": a required port in a range the system reserves (Hyper-V's, on
// Windows) is said to be there, on line 1 and in its rule's line; other rules are unchanged.
TEST(Report, APortNobodyListensOnInAReservedRangeSaysSo) {
    const std::vector<Rule> rules{rule("50000=nginx"), rule("udp/50000"), rule("8000-8100=nginx"),
                                  rule("80=nginx"), rule("443=nginx")};
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 443), {nginx()}),
    };
    const std::string windows = "Windows (Hyper-V, WinNAT or Docker Desktop)";
    ReportContext context;
    context.excluded_port_ranges = {{Transport::tcp, {49971, 50070}, windows},
                                    {Transport::tcp, {8050, 8149}, windows},
                                    {Transport::tcp, {8090, 8189}, windows},
                                    {Transport::tcp, {443, 443}, windows},
                                    {Transport::udp, {1000, 1099}, windows}};
    const auto output = format_report(evaluate(rules, listeners, {}, on_windows), context);
    expect_well_formed(output);
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 1 + rules.size()) << output;
    EXPECT_TRUE(
        lines[0].starts_with("PORT_OWNER CRITICAL - tcp/50000 not listening (in the "
                             "excluded port range 49971-50070), expected nginx; also "))
        << lines[0];
    EXPECT_EQ(lines[1],
              "CRITICAL tcp/50000: not listening (allowed: nginx); in the excluded port range "
              "49971-50070, reserved by Windows (Hyper-V, WinNAT or Docker Desktop): no other "
              "program can bind it");
    EXPECT_EQ(lines[2], "CRITICAL udp/50000: not listening (allowed: any program)");
    EXPECT_EQ(lines[3],
              "CRITICAL tcp/8000-8100: not listening (allowed: nginx); overlaps the excluded port "
              "ranges 8050-8149, 8090-8189, reserved by Windows (Hyper-V, WinNAT or Docker "
              "Desktop): no other program can bind it");
    EXPECT_EQ(lines[4], "CRITICAL tcp/80: not listening (allowed: nginx)");
    // A rule that is served is judged as ever, whatever range its port lies in.
    EXPECT_TRUE(lines[5].starts_with("OK tcp/443 0.0.0.0: nginx pid 901")) << lines[5];

    // Without ranges (Linux, or nothing looked up) the lines are the plain ones.
    const auto plain = split_lines(format_report(evaluate(rules, listeners, {}, on_windows), {}));
    EXPECT_EQ(plain[1], "CRITICAL tcp/50000: not listening (allowed: nginx)");
    EXPECT_TRUE(plain[0].starts_with("PORT_OWNER CRITICAL - tcp/50000 not listening, expected "))
        << plain[0];
}

// Who reserves a range is text from outside the plugin's own words: escaped like any other.
TEST(Report, WhoReservesARangeIsEscaped) {
    const std::vector<Rule> rules{rule("50000")};
    ReportContext context;
    context.excluded_port_ranges = {{Transport::tcp, {50000, 50000}, "evil\n| x=1"}};
    const auto output = format_report(evaluate(rules, {}, {}, on_windows), context);
    expect_well_formed(output);
    EXPECT_NE(output.find("reserved by evil"), std::string::npos) << output;
}

TEST(Report, UnlistedListenersOnlyWhenVerbose) {
    const std::vector<Rule> rules{rule("80=nginx")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {nginx()}),
                                                  observed(tcp("0.0.0.0", 22), {})};
    const auto verdict = evaluate(rules, listeners, {}, on_linux);
    EXPECT_EQ(split_lines(format_report(verdict, {2, 0, 0, {}, {}})).size(), 2u);
    const auto verbose = format_report(verdict, {2, 0, 1, {}, {}});
    expect_well_formed(verbose);
    const auto lines = split_lines(verbose);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_TRUE(lines[2].starts_with("unlisted tcp/0.0.0.0:22")) << lines[2];
}

TEST(Report, ToolFailureIsOneUnknownLine) {
    const auto output = format_tool_failure("bad config: a|b\nc\r");
    EXPECT_TRUE(output.starts_with("PORT_OWNER UNKNOWN - bad config: a")) << output;
    EXPECT_EQ(count_of(output, '\n'), 1u);
    EXPECT_EQ(output.back(), '\n');
    EXPECT_EQ(count_of(output, '|'), 0u);
    EXPECT_EQ(count_of(output, '\r'), 0u);
}

TEST(Report, IncompleteHolderListIsSaid) {
    const std::vector<Rule> rules{rule("80=nginx")};
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 80), {nginx()}, false, "pid 1 not readable")};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux), {1, 0, 0, {}, {}});
    expect_well_formed(output);
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 2u);
    // Another process may share the socket: not OK, and the line says who was seen and why.
    EXPECT_TRUE(lines[0].starts_with("PORT_OWNER UNKNOWN - tcp/80 holders not all examined"))
        << lines[0];
    EXPECT_TRUE(lines[1].starts_with("UNKNOWN tcp/80 0.0.0.0: seen nginx pid 901")) << lines[1];
    EXPECT_NE(lines[1].find("may be incomplete: pid 1 not readable"), std::string::npos)
        << lines[1];
}

TEST(Report, NotesFollowTheRules) {
    const std::vector<Rule> rules{rule("80=nginx")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {nginx()})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux),
                                      {1, 0, 0, {"listeners from /proc/net\n|x=1"}, {}});
    expect_well_formed(output);
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_TRUE(lines[2].starts_with("note: listeners from /proc/net")) << lines[2];
    EXPECT_EQ(lines[2].find('|'), std::string::npos) << lines[2];
}

TEST(Report, UnverifiedHolderIsNamedWithTheReason) {
    const std::vector<Rule> rules{rule("80=nginx")};
    auto holder = nginx(4242);
    holder.executable.reset();
    holder.executable_problem = "its path is longer than PATH_MAX";
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {holder})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux), {1, 0, 0, {}, {}});
    expect_well_formed(output);
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with(
        "PORT_OWNER UNKNOWN - tcp/80 holder nginx (pid 4242, user root) not verified: the "
        "executable of pid 4242 cannot be read (its path is longer than PATH_MAX)"))
        << lines[0];
    EXPECT_TRUE(
        lines[1].starts_with("UNKNOWN tcp/80 0.0.0.0: holder not verified: nginx pid 4242 "
                             "user root exe unreadable (its path is longer than PATH_MAX)"))
        << lines[1];
}

TEST(Report, UnlistedThresholdBreachLeadsWhenWorst) {
    const std::vector<Rule> rules{rule("80=nginx")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {nginx()}),
                                                  observed(tcp("0.0.0.0", 22), {}),
                                                  observed(udp("0.0.0.0", 161), {})};
    auto verdict = evaluate(rules, listeners, {}, on_linux);
    verdict.unlisted_count = UnlistedCount{State::critical, "1", "1", 1.0, 1.0};
    verdict.overall = State::critical;
    const auto output = format_report(verdict, {3, 0, 0, {}, {}});
    expect_well_formed(output);
    const auto lines = split_lines(output);
    EXPECT_TRUE(lines[0].starts_with("PORT_OWNER CRITICAL - 2 unlisted listeners")) << lines[0];
    EXPECT_NE(lines[0].find("unlisted=2;1;1;0"), std::string::npos) << lines[0];
    ASSERT_GE(lines.size(), 3u);
    EXPECT_TRUE(lines[1].starts_with("CRITICAL unlisted: 2 listeners")) << lines[1];
    EXPECT_TRUE(lines[2].starts_with("OK tcp/80")) << lines[2];
}

// ---- Hostile text: the same scenario played by a benign and by a hostile process.

struct Actor {
    std::string name;
    ProcessIdentity identity;
    std::string socket_user;
    std::string problem;
};

void PrintTo(const Actor& actor, std::ostream* out) {
    *out << actor.name;
}

Actor actor(std::string name, const std::string& text, std::string exe = "") {
    ProcessIdentity identity;
    identity.pid = 4242;
    identity.parent_pid = 1;
    identity.comm = text;
    identity.executable = exe.empty() ? "/opt/" + text : exe;
    identity.uid = 0;  // allowed on 443 by user:0
    identity.user = text;
    identity.command_line = text + " --serve " + text;
    identity.unit = text + ".service";
    return {std::move(name), identity, text, text};
}

std::string four_kib_of(std::string_view piece) {
    std::string text;
    while (text.size() < 4096) {
        text += piece;
    }
    return text;
}

std::string all_control_bytes() {
    std::string text;
    for (int c = 0; c < 0x20; ++c) {
        text += static_cast<char>(c);
    }
    text += '\x7f';
    return text;
}

// The scenario: port 80 held by the actor (unexpected), 443 held by the actor (allowed by uid),
// 53 unidentified with the actor's name as socket owner, 25 missing, 8080 missing with an allow
// entry (config text) that holds a '|'; an unlisted listener held by the actor.
std::string play(const Actor& a, int verbosity, bool with_thresholds) {
    const std::vector<Rule> rules{rule("80=nginx"), rule("443=user:0"), rule("udp/53=named"),
                                  rule("25=exim4"), rule("8080=cmdline:a|b")};
    auto unidentified = udp("0.0.0.0", 53);
    unidentified.socket_uid = 4242;
    unidentified.socket_user = a.socket_user;
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 80), {a.identity}),
        observed(tcp("0.0.0.0", 443), {a.identity}),
        observed(unidentified, {}, false, a.problem),
        observed(tcp("0.0.0.0", 9999), {a.identity}),
    };
    auto verdict = evaluate(rules, listeners, {}, on_linux);
    if (with_thresholds) {
        // -w 0 on the unlisted count: the unlisted listener held by the actor is shown.
        verdict.unlisted_count =
            UnlistedCount{State::warning, "0", std::nullopt, 0.0, std::nullopt};
        verdict.overall = worse_of(verdict.overall, State::warning);
    }
    return format_report(verdict, {listeners.size(), 0.25, verbosity, {}, {}});
}

class HostileText : public ::testing::TestWithParam<Actor> {};

TEST_P(HostileText, SameLinesAndStateAsABenignProcess) {
    const auto benign = actor("benign", "benign");
    for (int run = 0; run < 8; ++run) {
        const int verbosity = run % 4;
        const bool with_thresholds = run >= 4;
        SCOPED_TRACE("verbosity " + std::to_string(verbosity) +
                     (with_thresholds ? " with -w" : ""));
        const auto expected = play(benign, verbosity, with_thresholds);
        const auto output = play(GetParam(), verbosity, with_thresholds);
        expect_well_formed(output);
        const auto expected_lines = split_lines(expected);
        const auto lines = split_lines(output);
        ASSERT_EQ(lines.size(), expected_lines.size()) << output;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            EXPECT_EQ(first_word(lines[i]), first_word(expected_lines[i])) << i;
        }
        EXPECT_EQ(lines[0].substr(0, lines[0].find(" - ")),
                  expected_lines[0].substr(0, expected_lines[0].find(" - ")));
        // The perfdata does not depend on names.
        EXPECT_EQ(lines[0].substr(lines[0].find(" | ")),
                  expected_lines[0].substr(expected_lines[0].find(" | ")));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, HostileText,
    ::testing::Values(
        actor("pipe_equals_quote", "a|b=c'd"), actor("fake_perfdata", "x | 'rules'=0;;;0 y=1"),
        actor("newline", "evil\nOK tcp/80 fine"), actor("carriage_return", "evil\r\nx\r"),
        actor("control_bytes", all_control_bytes()), actor("nul_byte", std::string("a\0b", 3)),
        actor("invalid_utf8", "\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xc3"),
        actor("unicode_line_separators",
              "a\xe2\x80\xa8"
              "b\xe2\x80\xa9"
              "c\xc2\x85"
              "d"),
        actor("fifteen_byte_name", "abcdefghijklmno"),
        actor("four_kib", four_kib_of("|\n\r='x\xff"), "/opt/" + four_kib_of("a|b\n")),
        actor("backslash_escapes", "\\x7c\\n\\"), actor("leading_pipe_line", "\n| fake=1\n")),
    [](const auto& info) { return info.param.name; });

// ---- Limits.

TEST(Report, ManyRulesAreCutVisiblyUnder8KiB) {
    std::vector<Rule> rules;
    for (int port = 1000; port < 1400; ++port) {
        rules.push_back(rule(std::to_string(port) + "=exe:/opt/some/long/path/to/a/daemon/" +
                             std::string(40, 'x') + ",user:someone"));
    }
    for (int verbosity = 0; verbosity <= 3; ++verbosity) {
        SCOPED_TRACE(verbosity);
        const auto output =
            format_report(evaluate(rules, {}, {}, on_linux), {0, 0, verbosity, {}, {}});
        expect_well_formed(output);
        const auto lines = split_lines(output);
        EXPECT_LT(lines.size(), 1 + rules.size());
        EXPECT_NE(lines.back().find("cut"), std::string::npos) << lines.back();
        EXPECT_TRUE(lines.back().starts_with("...")) << lines.back();
    }
}

// Where the 8 KiB cut falls, and how much of the line before it is kept, must not depend on how
// long the run took (time=0.01s is shorter than time=0.123457s): an engine's copy of the output
// is compared with a direct run, and two runs on the same host should read the same. The padding
// moves the cut across the last line kept, so some run shortens a line.
TEST(Report, TheCutDoesNotMoveWithTheRunTime) {
    for (std::size_t padding = 0; padding < 60; ++padding) {
        SCOPED_TRACE(padding);
        std::vector<Rule> rules;
        for (int port = 1000; port < 1200; ++port) {
            rules.push_back(
                rule(fmt::format("{}=exe:/opt/{}/daemon", port, std::string(padding + 20, 'x'))));
        }
        const auto verdict = evaluate(rules, {}, {}, on_linux);
        const auto without_run_time = [&](double seconds) {
            auto output = format_report(verdict, {0, seconds, 0, {}, {}});
            const auto time = output.find(" time=");
            output.erase(time, output.find('\n') - time);
            return output;
        };
        const auto quick = without_run_time(0.01);
        EXPECT_EQ(quick, without_run_time(0.123457));
        EXPECT_EQ(quick, without_run_time(3599.999999));
    }
}

TEST(Report, ManyHostileHoldersStayWithinLimits) {
    std::vector<Rule> rules;
    std::vector<ObservedListener> listeners;
    const auto hostile = actor("x", four_kib_of("|\n\xff"), "/opt/" + four_kib_of("|\n"));
    for (int port = 2000; port < 2050; ++port) {
        rules.push_back(rule(std::to_string(port) + "=nginx"));
        std::vector<ProcessIdentity> holders;
        for (int pid = 0; pid < 20; ++pid) {
            auto identity = hostile.identity;
            identity.pid = port * 100 + pid;
            holders.push_back(identity);
        }
        listeners.push_back(observed(tcp("0.0.0.0", static_cast<std::uint16_t>(port)), holders));
    }
    for (int verbosity = 0; verbosity <= 3; ++verbosity) {
        SCOPED_TRACE(verbosity);
        const auto output =
            format_report(evaluate(rules, listeners, {}, on_linux), {50, 1.5, verbosity, {}, {}});
        expect_well_formed(output);
        EXPECT_TRUE(output.starts_with("PORT_OWNER CRITICAL - tcp/2000 held by ")) << output;
        EXPECT_NE(output.find("cut"), std::string::npos);
    }
}

// A prefork impostor (say apache2 with 200 workers where nginx is allowed, checked with
// --all-holders) makes one rule's line longer than the whole 8 KiB budget. That line should be cut
// visibly, and the other rules keep their lines: one long-output line per rule.
TEST(Report, OneRuleWithManyCulpritsDoesNotHideTheOtherRules) {
    const std::vector<Rule> rules{rule("80=nginx"), rule("81=nginx"), rule("82=nginx")};
    std::vector<ProcessIdentity> workers;
    for (int pid = 1000; pid < 1200; ++pid) {
        workers.push_back(holder_without_unit("apache2", "/usr/sbin/apache2", pid));
    }
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), workers),
                                                  observed(tcp("0.0.0.0", 81), {nginx()}),
                                                  observed(tcp("0.0.0.0", 82), {nginx()})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux), {3, 0, 0, {}, {}});
    expect_well_formed(output);
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 1 + rules.size()) << output;
    EXPECT_TRUE(lines[1].starts_with("CRITICAL tcp/80 0.0.0.0: apache2 pid 1000")) << lines[1];
    EXPECT_TRUE(lines[2].starts_with("OK tcp/81")) << lines[2];
    EXPECT_TRUE(lines[3].starts_with("OK tcp/82")) << lines[3];
}

TEST(Report, LongAllowListKeepsFirstLineUnder1KiB) {
    std::string text = "80=";
    for (int i = 0; i < 200; ++i) {
        text +=
            (i ? "," : "") + std::string("exe:/opt/vendor/product/bin/daemon-") + std::to_string(i);
    }
    const std::vector<Rule> rules{rule(text)};
    const auto output = format_report(evaluate(rules, {}, {}, on_linux), {});
    expect_well_formed(output);
    const auto lines = split_lines(output);
    EXPECT_NE(lines[0].find("..."), std::string::npos) << "the cut is not visible";
}

// ---- describe_holder and describe_address.

TEST(DescribeHolder, Fields) {
    auto holder = holder_without_unit("msproxy", "/opt/ms/msproxy", 4242);
    EXPECT_EQ(describe_holder(holder, 0), "msproxy pid 4242 user root exe /opt/ms/msproxy");
    holder.unit = "ms.service";
    EXPECT_EQ(describe_holder(holder, 0),
              "msproxy pid 4242 user root exe /opt/ms/msproxy unit ms.service");
    holder.executable_deleted = true;
    EXPECT_EQ(describe_holder(holder, 0),
              "msproxy pid 4242 user root exe /opt/ms/msproxy (deleted) unit ms.service");
    holder.executable.reset();
    holder.comm = "msproxy";
    EXPECT_EQ(describe_holder(holder, 0),
              "msproxy pid 4242 user root exe unreadable (unknown reason) unit ms.service");
    holder.executable_problem = "permission denied";
    EXPECT_EQ(describe_holder(holder, 0),
              "msproxy pid 4242 user root exe unreadable (permission denied) unit ms.service");
    holder.executable = "/usr/sbin/nginx";
    holder.executable_deleted = false;
    holder.executable_file = ExecutableFileCheck::different_file;
    holder.other_mount_namespace = true;
    EXPECT_EQ(describe_holder(holder, 0),
              "nginx pid 4242 user root exe /usr/sbin/nginx (not the file at that path here) "
              "mount namespace other than the plugin's unit ms.service");
}

// Windows: the services a process hosts name it better than svchost.exe; a command line that was
// not read is said to be so, never shown as empty.
TEST(DescribeHolder, ServicesAndACommandLineNotRead) {
    auto holder = holder_without_unit("svchost.exe", "C:\\Windows\\System32\\svchost.exe", 912);
    holder.services = {"W3SVC", "WAS"};
    holder.command_line_known = false;
    holder.executable_name = "svchost.exe";  // as the Windows inventory splits the path
    EXPECT_EQ(describe_holder(holder, 0).rfind("svchost.exe pid 912 ", 0), 0u);
    EXPECT_NE(describe_holder(holder, 0).find(" services W3SVC,WAS"), std::string::npos);
    const auto verbose = describe_holder(holder, 1);
    EXPECT_NE(verbose.find(" cmdline not read"), std::string::npos) << verbose;
    EXPECT_EQ(verbose.find("cmdline '"), std::string::npos) << verbose;
    holder.services = {"evil|perf=1\nOK"};
    const auto hostile = describe_holder(holder, 0);
    EXPECT_EQ(hostile.find('|'), std::string::npos) << hostile;
    EXPECT_EQ(hostile.find('\n'), std::string::npos) << hostile;
}

TEST(DescribeHolder, VerboseAddsParentAndCommandLine) {
    auto holder = nginx();
    holder.parent_pid = 1;
    const auto text = describe_holder(holder, 1);
    EXPECT_NE(text.find(" ppid 1 "), std::string::npos) << text;
    EXPECT_NE(text.find("comm nginx"), std::string::npos) << text;
    EXPECT_NE(text.find("cmdline 'nginx: master process"), std::string::npos) << text;
    EXPECT_EQ(describe_holder(holder, 0).find("cmdline"), std::string::npos);
}

TEST(DescribeHolder, EscapesEveryField) {
    ProcessIdentity holder;
    holder.pid = 1;
    holder.comm = "c|\n";
    holder.executable = "/e|\n";
    holder.user = "u|\r";
    holder.command_line = "x\n|y";
    holder.unit = "u|\n.service";
    for (int verbosity = 0; verbosity <= 3; ++verbosity) {
        const auto text = describe_holder(holder, verbosity);
        EXPECT_EQ(text.find_first_of("|\n\r"), std::string::npos) << text;
    }
}

TEST(DescribeAddress, Forms) {
    EXPECT_EQ(describe_address(tcp("0.0.0.0", 80), AddressForm::without_port), "0.0.0.0");
    EXPECT_EQ(describe_address(tcp("0.0.0.0", 80), AddressForm::with_port), "0.0.0.0:80");
    EXPECT_EQ(describe_address(tcp("::", 80), AddressForm::without_port), "[::]");
    EXPECT_EQ(describe_address(tcp("::1", 8080), AddressForm::with_port), "[::1]:8080");
}

}  // namespace
}  // namespace port_owner

namespace port_owner {
namespace {

using namespace test_support;

TEST(Report, EntryThatCannotMatchHereIsExplained) {
    const std::vector<Rule> rules{parse_rule_argument("80=service:W3SVC")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {nginx()})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux), {1, 0, 0, {}, {}});
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("PORT_OWNER CRITICAL - tcp/80 held by nginx")) << lines[0];
    EXPECT_NE(lines[1].find("(allowed: service:W3SVC) [service:W3SVC names a Windows service; "
                            "no process hosts one here]"),
              std::string::npos)
        << lines[1];
}

TEST(Report, WindowsRogueIsNamed) {
    const std::vector<Rule> rules{parse_rule_argument("80=inetinfo")};
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 80), {windows_process("C:\\Users\\mallory\\rogue.exe", 6660,
                                                      "CONTOSO\\mallory", "S-1-5-21-7-7-7-1001")})};
    const auto output =
        format_report(evaluate(rules, listeners, {}, on_windows), {1, 0, 0, {}, {}});
    const auto lines = split_lines(output);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_TRUE(lines[0].starts_with("PORT_OWNER CRITICAL - tcp/80 held by ")) << lines[0];
    EXPECT_NE(lines[0].find("rogue.exe (pid 6660, user CONTOSO\\\\mallory)"), std::string::npos)
        << lines[0];
    EXPECT_NE(lines[0].find("expected inetinfo"), std::string::npos) << lines[0];
}

}  // namespace
}  // namespace port_owner
