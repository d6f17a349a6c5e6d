// SPDX-License-Identifier: GPL-3.0-or-later
// The allow-list file (README, "Allow-list file"): what it yields, and that errors name FILE:LINE.

#include <gtest/gtest.h>

#include <string>

#include "core/allow_list_file.hpp"
#include "core/input_error.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

constexpr std::string_view file_name = "/etc/nagios/port_owner.ini";

std::vector<std::string> allow_texts(const Rule& rule) {
    std::vector<std::string> texts;
    for (const auto& entry : rule.allow) {
        texts.push_back(entry.text());
    }
    return texts;
}

TEST(AllowListFile, DesignExampleParses) {
    const std::string text =
        "# defaults for all rules; command-line options override them\n"  // 1
        "missing = critical\n"                                            // 2
        "unexpected = warning\n"                                          // 3
        "unattributed = ok\n"                                             // 4
        "ignore = 32768-60999\n"                                          // 5
        "ignore = udp/5353\n"                                             // 6
        "\n"                                                              // 7
        "[tcp/80]\n"                                                      // 8
        "allow = nginx\n"                                                 // 9
        "allow = exe:/usr/sbin/apache2\n"                                 // 10
        "\n"                                                              // 11
        "[tcp/127.0.0.1:8080]\n"                                          // 12
        "allow = unit:app.service\n"                                      // 13
        "unexpected = warning\n"                                          // 14
        "\n"                                                              // 15
        "[udp/5353]\n"                                                    // 16
        "required = no          # allowed holders only, but may be absent\n"
        "allow = avahi-daemon\n";
    const auto file = parse_allow_list(text, file_name);
    EXPECT_EQ(file.defaults.missing, State::critical);
    EXPECT_EQ(file.defaults.unexpected, State::warning);
    EXPECT_EQ(file.defaults.unattributed, State::ok);
    EXPECT_EQ(file.ignore, (std::vector<std::string>{"32768-60999", "udp/5353"}));
    ASSERT_EQ(file.rules.size(), 3u);

    EXPECT_EQ(file.rules[0].label(), "tcp/80");
    EXPECT_EQ(allow_texts(file.rules[0]),
              (std::vector<std::string>{"nginx", "exe:/usr/sbin/apache2"}));
    EXPECT_TRUE(file.rules[0].required);
    EXPECT_FALSE(file.rules[0].states.unexpected.has_value());
    EXPECT_EQ(file.rules[0].origin, std::string(file_name) + ":8");

    EXPECT_EQ(file.rules[1].label(), "tcp/127.0.0.1:8080");
    EXPECT_EQ(allow_texts(file.rules[1]), (std::vector<std::string>{"unit:app.service"}));
    EXPECT_EQ(file.rules[1].states.unexpected, State::warning);
    EXPECT_FALSE(file.rules[1].states.missing.has_value());
    EXPECT_EQ(file.rules[1].origin, std::string(file_name) + ":12");

    EXPECT_EQ(file.rules[2].label(), "udp/5353");
    EXPECT_FALSE(file.rules[2].required);
    EXPECT_EQ(allow_texts(file.rules[2]), (std::vector<std::string>{"avahi-daemon"}));
}

// Windows editors start UTF-8 files with a byte order mark; PowerShell's '>' writes UTF-16.
TEST(AllowListFile, ByteOrderMarkIsSkippedAndUtf16Refused) {
    const auto file = parse_allow_list("\xEF\xBB\xBF[tcp/80]\r\nallow = inetinfo\r\n", file_name);
    ASSERT_EQ(file.rules.size(), 1u);
    EXPECT_EQ(file.rules[0].label(), "tcp/80");
    for (const std::string_view utf16 :
         {std::string_view("\xFF\xFE[\0t\0", 6), std::string_view("\xFE\xFF\0[\0t", 6)}) {
        try {
            parse_allow_list(utf16, file_name);
            ADD_FAILURE() << "UTF-16 accepted";
        } catch (const InputError& error) {
            EXPECT_EQ(std::string(error.what()),
                      std::string(file_name) + ":1: the file is UTF-16; save it as UTF-8");
        }
    }
}

TEST(AllowListFile, NoDefaultsLeavesThemUnset) {
    const auto file = parse_allow_list("[tcp/22]\nallow = sshd\n", file_name);
    EXPECT_FALSE(file.defaults.missing.has_value());
    EXPECT_FALSE(file.defaults.unexpected.has_value());
    EXPECT_FALSE(file.defaults.unattributed.has_value());
    EXPECT_TRUE(file.ignore.empty());
    ASSERT_EQ(file.rules.size(), 1u);
}

TEST(AllowListFile, EmptyFileHasNoRules) {
    EXPECT_TRUE(parse_allow_list("", file_name).rules.empty());
    EXPECT_TRUE(parse_allow_list("# only a comment\n\n", file_name).rules.empty());
}

TEST(AllowListFile, CommentsAreIgnored) {
    const std::string text =
        "# a comment line\n"
        "   # an indented comment\n"
        "missing = warning # inline comment\n"
        "\n"
        "[tcp/80]   # the web server\n"
        "allow = nginx # the usual one\n"
        "#allow = apache2\n"
        "required = yes#no space before it\n";
    const auto file = parse_allow_list(text, file_name);
    EXPECT_EQ(file.defaults.missing, State::warning);
    ASSERT_EQ(file.rules.size(), 1u);
    EXPECT_EQ(file.rules[0].label(), "tcp/80");
    EXPECT_EQ(allow_texts(file.rules[0]), (std::vector<std::string>{"nginx"}));
    EXPECT_TRUE(file.rules[0].required);
}

TEST(AllowListFile, RepeatedAllowAddsAlternatives) {
    const auto file = parse_allow_list(
        "[tcp/443]\nallow = nginx\nallow = apache2\nallow = exe:/opt/caddy/caddy+user:caddy\n",
        file_name);
    ASSERT_EQ(file.rules.size(), 1u);
    EXPECT_EQ(allow_texts(file.rules[0]),
              (std::vector<std::string>{"nginx", "apache2", "exe:/opt/caddy/caddy+user:caddy"}));
    EXPECT_EQ(file.rules[0].allow[2].conditions().size(), 2u);
}

TEST(AllowListFile, CommandLineRegexTakesTheRestOfTheLine) {
    // '+' and ',' are the regex's; '#' would start a comment, so it is written \x23, which RE2
    // reads as '#'.
    const auto file = parse_allow_list(
        "[tcp/8000]\n"
        "allow = exe:/usr/bin/python3+cmdline:^gunicorn: (master|worker) \\[a{1,3}\\]\n"
        "# a comment on a line of its own\n"
        "allow = cmdline:--id=\\x23[0-9]+, --name=.+\n",
        file_name);
    ASSERT_EQ(file.rules.size(), 1u);
    const auto& allow = file.rules[0].allow;
    ASSERT_EQ(allow.size(), 2u);
    ASSERT_EQ(allow[0].conditions().size(), 2u);
    EXPECT_EQ(allow[0].conditions()[1].value, "^gunicorn: (master|worker) \\[a{1,3}\\]");
    ASSERT_EQ(allow[1].conditions().size(), 1u);
    EXPECT_EQ(allow[1].conditions()[0].value, "--id=\\x23[0-9]+, --name=.+");
    auto holder = test_support::process("app", "/usr/bin/app");
    holder.command_line = "app --id=#42, --name=x";
    EXPECT_EQ(allow[1].match(holder, test_support::on_linux), MatchKind::matched);
    holder.command_line = "app --id=42, --name=x";
    EXPECT_EQ(allow[1].match(holder, test_support::on_linux), MatchKind::no_match);
}

// A '#' after cmdline: would cut the regex into a wider one: refused, with the remedy.
TEST(AllowListFile, HashAfterCommandLineIsRefused) {
    for (const char* line : {"allow = cmdline:a#b\n", "allow = cmdline:^app  # the app\n",
                             "allow = exe:/usr/bin/x+cmdline:--id=#1\n"}) {
        SCOPED_TRACE(line);
        try {
            parse_allow_list(std::string("[tcp/80]\n") + line, file_name);
            ADD_FAILURE() << "accepted";
        } catch (const InputError& error) {
            const std::string message = error.what();
            EXPECT_TRUE(message.starts_with(std::string(file_name) + ":2: ")) << message;
            EXPECT_NE(message.find("\\x23"), std::string::npos) << message;
        }
    }
    // A comment after other entries is still a comment.
    EXPECT_NO_THROW(parse_allow_list("[tcp/80]\nallow = nginx  # the web server\n", file_name));
}

TEST(AllowListFile, RequiredValues) {
    const std::pair<std::string, bool> cases[] = {
        {"yes", true}, {"true", true}, {"1", true}, {"no", false}, {"false", false}, {"0", false},
    };
    for (const auto& [value, expected] : cases) {
        SCOPED_TRACE(value);
        const auto file = parse_allow_list("[udp/53]\nrequired = " + value + "\n", file_name);
        ASSERT_EQ(file.rules.size(), 1u);
        EXPECT_EQ(file.rules[0].required, expected);
    }
}

TEST(AllowListFile, PerRuleStates) {
    const auto file = parse_allow_list(
        "[tcp/80]\nmissing = warning\nunexpected = unknown\nunattributed = critical\n"
        "[tcp/81]\nmissing = ok\n",
        file_name);
    ASSERT_EQ(file.rules.size(), 2u);
    EXPECT_EQ(file.rules[0].states.missing, State::warning);
    EXPECT_EQ(file.rules[0].states.unexpected, State::unknown);
    EXPECT_EQ(file.rules[0].states.unattributed, State::critical);
    EXPECT_EQ(file.rules[1].states.missing, State::ok);
    EXPECT_FALSE(file.rules[1].states.unexpected.has_value());
}

TEST(AllowListFile, EmptySectionIsARequiredRuleThatAnyHolderSatisfies) {
    const auto file = parse_allow_list("[tcp/22]\n\n[udp/53]\nallow = named\n", file_name);
    ASSERT_EQ(file.rules.size(), 2u);
    const auto& rule = file.rules[0];
    EXPECT_EQ(rule.label(), "tcp/22");
    EXPECT_TRUE(rule.allow.empty());
    EXPECT_TRUE(rule.required);

    const std::vector<Rule> rules{rule};
    using namespace test_support;
    const std::vector<ObservedListener> held{
        observed(tcp("0.0.0.0", 22), {process("whatever", "/opt/x/whatever")})};
    const auto ok = evaluate(rules, held, {}, on_linux);
    EXPECT_EQ(ok.overall, State::ok);
    EXPECT_EQ(ok.findings[0].outcome, Outcome::ok);

    const auto missing = evaluate(rules, {}, {}, on_linux);
    EXPECT_EQ(missing.findings[0].outcome, Outcome::missing);
    EXPECT_EQ(missing.overall, State::critical);
}

TEST(AllowListFile, SectionNamesUseTheRuleSyntax) {
    const auto file = parse_allow_list(
        "[80]\n[udp6/53]\n[tcp/[::1]:8080]\n[tcp/127.0.0.1:8000-8100]\n", file_name);
    ASSERT_EQ(file.rules.size(), 4u);
    EXPECT_EQ(file.rules[0].label(), "tcp/80");
    EXPECT_EQ(file.rules[1].label(), "udp6/53");
    EXPECT_EQ(file.rules[2].label(), "tcp/[::1]:8080");
    EXPECT_EQ(file.rules[3].label(), "tcp/127.0.0.1:8000-8100");
    EXPECT_EQ(file.rules[3].origin, std::string(file_name) + ":4");
}

TEST(AllowListFile, KeysOfASectionWithDotsInItsNameLandInThatSection) {
    // Boost joins section and key with '.', and IPv4 addresses have dots too.
    const auto file =
        parse_allow_list("[tcp/10.0.0.1:80]\nallow = nginx\nunexpected = warning\n", file_name);
    ASSERT_EQ(file.rules.size(), 1u);
    EXPECT_EQ(allow_texts(file.rules[0]), (std::vector<std::string>{"nginx"}));
    EXPECT_EQ(file.rules[0].states.unexpected, State::warning);
}

TEST(AllowListFile, LastLineWithoutNewline) {
    const auto file = parse_allow_list("[tcp/80]\nallow = nginx", file_name);
    ASSERT_EQ(file.rules.size(), 1u);
    EXPECT_EQ(allow_texts(file.rules[0]), (std::vector<std::string>{"nginx"}));
}

TEST(AllowListFile, EightyThousandLinesKeepTheirLineNumbers) {
    // 1,000 sections of 80 lines: parsing must be linear (line numbers were once recounted from the
    // start of the file for every option), and every section keeps its own line.
    std::string text;
    for (int rule = 1; rule <= 1000; ++rule) {
        text += "[tcp/" + std::to_string(rule) + "]\n";
        for (int entry = 0; entry < 79; ++entry) {
            text += "allow = d" + std::to_string(entry) + "\n";
        }
    }
    const auto file = parse_allow_list(text, file_name);
    ASSERT_EQ(file.rules.size(), 1000u);
    EXPECT_EQ(file.rules[0].origin, std::string(file_name) + ":1");
    EXPECT_EQ(file.rules[999].origin, std::string(file_name) + ":79921");
    EXPECT_EQ(file.rules[999].allow.size(), 79u);

    try {
        parse_allow_list(text + "alow = x\n", file_name);
        FAIL() << "accepted a misspelt key";
    } catch (const InputError& error) {
        EXPECT_EQ(std::string(error.what()).rfind(std::string(file_name) + ":80001: ", 0), 0u)
            << error.what();
    }
}

// ---- Errors: `FILE:LINE: problem`, with the right line.

struct ErrorCase {
    std::string name;
    std::string text;
    int line;
    std::string mentions;  // a piece the message must contain
};

void PrintTo(const ErrorCase& c, std::ostream* out) {
    *out << c.name;
}

class AllowListFileError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(AllowListFileError, NamesFileAndLine) {
    const auto& c = GetParam();
    try {
        parse_allow_list(c.text, file_name);
        FAIL() << "accepted:\n" << c.text;
    } catch (const InputError& error) {
        const std::string message = error.what();
        const auto prefix = std::string(file_name) + ":" + std::to_string(c.line) + ": ";
        EXPECT_EQ(message.substr(0, prefix.size()), prefix) << message;
        EXPECT_GT(message.size(), prefix.size()) << "no problem described: " << message;
        EXPECT_NE(message.find(c.mentions), std::string::npos) << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, AllowListFileError,
    ::testing::Values(
        ErrorCase{"unknown_key_at_top", "missing = critical\nfoo = bar\n", 2, "foo"},
        ErrorCase{"unknown_key_first_line", "warning = 5\n", 1, "warning"},
        ErrorCase{"unknown_key_in_section", "[tcp/80]\nallow = nginx\n\nalow = apache2\n", 4,
                  "alow"},
        ErrorCase{"unknown_key_in_second_section",
                  "[tcp/80]\nallow = nginx\n[tcp/443]\nallow = nginx\nport = 443\n", 5, "port"},
        ErrorCase{"dotted_key_at_top", "# x\nfoo.bar = 1\n", 2, "foo.bar"},
        ErrorCase{"bad_default_state", "\n\nmissing = sometimes\n", 3, "sometimes"},
        ErrorCase{"bad_default_unattributed", "unattributed = 3\n", 1, "unattributed"},
        ErrorCase{"bad_state_in_section", "[tcp/80]\nallow = nginx\nunexpected = crit\n", 3,
                  "crit"},
        ErrorCase{"empty_state", "[tcp/80]\nmissing =\n", 2, "missing"},
        ErrorCase{"bad_required", "[udp/5353]\n\nrequired = maybe\n", 3, "maybe"},
        ErrorCase{"duplicate_section", "[tcp/80]\nallow = nginx\n[tcp/22]\n[tcp/80]\n", 4,
                  "tcp/80"},
        ErrorCase{"bad_section_name", "missing = critical\n\n[tcp/http]\n", 3, "tcp/http"},
        ErrorCase{"section_port_zero", "[tcp/22]\n[udp/0]\nallow = x\n", 2, "udp/0"},
        ErrorCase{"section_not_a_rule", "[general]\nallow = nginx\n", 1, "general"},
        ErrorCase{"allow_outside_section", "missing = critical\nallow = nginx\n", 2, "allow"},
        ErrorCase{"required_outside_section", "required = no\n[tcp/80]\n", 1, "required"},
        ErrorCase{"syntax_error_line", "[tcp/80]\nallow = nginx\nthis is not an option\n", 3,
                  "[section]"},
        ErrorCase{"syntax_error_first_line", "garbage\n[tcp/80]\n", 1, "[section]"},
        ErrorCase{"syntax_error_after_comments", "# one\n# two\n\n  # three\nnginx\n", 5,
                  "[section]"},
        ErrorCase{"duplicated_missing_default",
                  "missing = critical\nunexpected = warning\n"
                  "missing = warning\n",
                  3, "missing"},
        ErrorCase{"duplicated_missing_in_section",
                  "[tcp/80]\nmissing = ok\nallow = x\n"
                  "missing = warning\n",
                  4, "missing"},
        ErrorCase{"duplicated_required", "[udp/53]\nrequired = no\nrequired = yes\n", 3,
                  "required"},
        ErrorCase{"bad_allow_entry", "[tcp/80]\nallow = nginx\nallow = exe:relative/path\n", 3,
                  "exe:relative/path"},
        ErrorCase{"empty_allow", "[tcp/80]\nallow =\n", 2, "allow entry"},
        ErrorCase{"bad_regex", "[tcp/80]\n\n\nallow = cmdline:(\n", 4, "cmdline:("},
        ErrorCase{"empty_ignore", "ignore =\n", 1, "ignore"},
        ErrorCase{"error_on_unterminated_last_line", "[tcp/80]\nallow = nginx\nfoo = bar", 3,
                  "foo"},
        ErrorCase{"error_after_inline_comments",
                  "# c\n[tcp/80] # web\nallow = nginx # ok\n"
                  "bogus = 1 # not ok\n",
                  4, "bogus"},
        ErrorCase{"nul_byte_in_a_value", std::string("[tcp/80]\nallow = ng\0inx\n", 24), 2,
                  "NUL byte"},
        ErrorCase{"nul_byte_in_a_comment", std::string("# a\0b\n[tcp/80]\n", 15), 1, "NUL byte"},
        ErrorCase{"nul_byte_is_reported_before_other_errors",
                  std::string("[tcp/80]\ngarbage\n\n\0\n", 20), 4, "NUL byte"},
        ErrorCase{"empty_section_name", "[tcp/80]\n[]\nallow = x\n", 2, "[]"},
        ErrorCase{"dotted_key_in_section", "[tcp/80]\nallow.x = 1\n", 2, "allow.x"},
        ErrorCase{"crlf_line_endings", "[tcp/80]\r\nallow = nginx\r\nbogus = 1\r\n", 3, "bogus"},
        ErrorCase{"error_deep_in_file",
                  "[tcp/1]\n[tcp/2]\n[tcp/3]\n[tcp/4]\n[tcp/5]\n[tcp/6]\n[tcp/7]\n[tcp/8]\n"
                  "[tcp/9]\n[tcp/10]\nallow = ok\nallow = fine\nallow = x:y\n",
                  13, "x:y"}));

}  // namespace
}  // namespace port_owner
