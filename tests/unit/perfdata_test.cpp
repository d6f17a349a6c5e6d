// SPDX-License-Identifier: GPL-3.0-or-later
// Performance data (docs/architecture.md, contract): number format, field layout, and the labels
// the report uses.

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <limits>
#include <locale>
#include <regex>
#include <set>
#include <string>

#include "core/perfdata.hpp"
#include "core/report.hpp"
#include "core/rule.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

TEST(PerfNumber, Table) {
    const std::pair<double, std::string> cases[] = {
        {0, "0"},
        {1, "1"},
        {3, "3"},
        {10, "10"},
        {100, "100"},
        {0.5, "0.5"},
        {1.25, "1.25"},
        {-2.5, "-2.5"},
        {0.000001, "0.000001"},
        {0.1234567, "0.123457"},
        {1e-7, "0"},
        {-1e-7, "0"},
        {-0.0, "0"},
        {123456789, "123456789"},
        {1e20, "100000000000000000000"},
        {0.012, "0.012"},
        {std::numeric_limits<double>::quiet_NaN(), "0"},
        {std::numeric_limits<double>::infinity(), "0"},
    };
    for (const auto& [number, expected] : cases) {
        SCOPED_TRACE(expected);
        EXPECT_EQ(format_perf_number(number), expected);
    }
}

TEST(PerfNumber, NeverAnExponentOrComma) {
    const std::regex plain(R"(^-?[0-9]+(\.[0-9]+)?$)");
    for (double number = 1e-9; number < 1e22; number *= 7.3) {
        for (const double sign : {1.0, -1.0}) {
            const auto text = format_perf_number(sign * number);
            SCOPED_TRACE(text);
            EXPECT_TRUE(std::regex_match(text, plain));
            EXPECT_FALSE(text.find('.') != std::string::npos && text.ends_with("0"));
        }
    }
}

TEST(PerfValue, TrailingEmptyFieldsAreDropped) {
    struct Case {
        PerfValue value;
        std::string expected;
    };
    const Case cases[] = {
        {{"rules", 3, "", {}, {}, {}, {}}, "rules=3"},
        {{"rules", 3, "", {}, {}, 0.0, {}}, "rules=3;;;0"},
        {{"time", 0.0123, "s", {}, {}, 0.0, {}}, "time=0.0123s;;;0"},
        {{"unlisted", 2, "", 5.0, 10.0, {}, {}}, "unlisted=2;5;10"},
        {{"unlisted", 2, "", 5.0, {}, {}, {}}, "unlisted=2;5"},
        {{"unlisted", 2, "", {}, 10.0, {}, {}}, "unlisted=2;;10"},
        {{"x", 1, "", 2.0, 3.0, 0.0, 10.0}, "x=1;2;3;0;10"},
        {{"x", 1, "", {}, {}, {}, 10.0}, "x=1;;;;10"},
        {{"x", 0.5, "s", 1.5, 2.5, {}, {}}, "x=0.5s;1.5;2.5"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expected);
        EXPECT_EQ(format_perf_value(c.value), c.expected);
    }
}

TEST(PerfData, SpaceSeparated) {
    EXPECT_EQ(format_perfdata({}), "");
    EXPECT_EQ(format_perfdata({{"a", 1, "", {}, {}, 0.0, {}}, {"b", 2.5, "s", {}, {}, {}, {}}}),
              "a=1;;;0 b=2.5s");
}

// A numpunct with ',' as the decimal point and '.' grouping, as German has.
class CommaDecimal : public std::numpunct<char> {
  protected:
    char do_decimal_point() const override { return ','; }
    char do_thousands_sep() const override { return '.'; }
    std::string do_grouping() const override { return "\3"; }
};

class GlobalLocaleGuard {
  public:
    GlobalLocaleGuard() : cpp_(std::locale()), c_(std::setlocale(LC_ALL, nullptr)) {}
    ~GlobalLocaleGuard() {
        std::locale::global(cpp_);
        std::setlocale(LC_ALL, c_.c_str());
    }

  private:
    std::locale cpp_;
    std::string c_;
};

void expect_dot_decimal_point() {
    EXPECT_EQ(format_perf_number(1234567.5), "1234567.5");
    EXPECT_EQ(format_perf_number(0.25), "0.25");
    EXPECT_EQ(format_perf_value({"time", 1.5, "s", 2.5, 3.5, 0.0, {}}), "time=1.5s;2.5;3.5;0");
}

TEST(PerfNumber, DotDecimalPointUnderACommaCppLocale) {
    GlobalLocaleGuard guard;
    std::locale::global(std::locale(std::locale::classic(), new CommaDecimal));
    expect_dot_decimal_point();
}

TEST(PerfNumber, DotDecimalPointUnderGermanLocale) {
    GlobalLocaleGuard guard;
    const char* name = nullptr;
    // glibc's names first, then the C runtime's on Windows.
    for (const char* candidate : {"de_DE.UTF-8", "de_DE.utf8", "de_DE", "German_Germany.1252"}) {
        if (std::setlocale(LC_ALL, candidate) != nullptr) {
            name = candidate;
            break;
        }
    }
    if (name == nullptr) {
        GTEST_SKIP() << "no German locale installed (locale -a has no de_DE); the C++-locale "
                        "variant of this check still runs";
    }
    ASSERT_EQ(*std::localeconv()->decimal_point, ',') << name;
#ifndef _WIN32
    // MinGW's libstdc++ has only the "C" named locale (its generic locale model), so there a
    // German setting reaches the program through the C runtime's locale alone; the C++ side is
    // the CommaCppLocale test's.
    std::locale::global(std::locale(name));
#endif
    expect_dot_decimal_point();
}

TEST(PerfData, ReportLabelsAreLowercaseUniqueAndWellFormed) {
    using namespace test_support;
    const std::vector<Rule> rules{parse_rule_argument("80=nginx"), parse_rule_argument("22=sshd"),
                                  parse_rule_argument("tcp/[::1]:8080=app")};
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80), {nginx()}),
                                                  observed(tcp("::1", 8080), {})};
    const auto output = format_report(evaluate(rules, listeners, {}, on_linux),
                                      {listeners.size(), 0.0375, 0, {}, {}});
    const auto first_line = output.substr(0, output.find('\n'));
    const auto bar = first_line.find(" | ");
    ASSERT_NE(bar, std::string::npos);
    const auto perfdata = first_line.substr(bar + 3);
    const std::regex value(R"(^([a-z0-9_]+)=(-?[0-9]+(\.[0-9]+)?)(s?)(;(-?[0-9.]*)){0,4}$)");
    std::set<std::string> labels;
    std::size_t start = 0;
    while (start < perfdata.size()) {
        const auto end = std::min(perfdata.find(' ', start), perfdata.size());
        const auto item = perfdata.substr(start, end - start);
        std::smatch match;
        ASSERT_TRUE(std::regex_match(item, match, value)) << item;
        EXPECT_TRUE(labels.insert(match[1]).second) << "duplicate label " << match[1];
        EXPECT_EQ(item.find("::"), std::string::npos);
        EXPECT_EQ(item.find(','), std::string::npos);
        start = end + 1;
    }
    EXPECT_EQ(labels,
              (std::set<std::string>{"rules", "rules_ok", "rules_missing", "rules_unexpected",
                                     "rules_unattributed", "listeners", "time"}));
    EXPECT_NE(perfdata.find("rules=3;;;0"), std::string::npos) << perfdata;
    EXPECT_NE(perfdata.find("rules_ok=1;;;0"), std::string::npos) << perfdata;
    EXPECT_NE(perfdata.find("rules_missing=1;;;0"), std::string::npos) << perfdata;
    EXPECT_NE(perfdata.find("rules_unattributed=1;;;0"), std::string::npos) << perfdata;
    EXPECT_NE(perfdata.find("rules_unexpected=0;;;0"), std::string::npos) << perfdata;
    EXPECT_NE(perfdata.find("listeners=2;;;0"), std::string::npos) << perfdata;
    EXPECT_NE(perfdata.find("time=0.0375s;;;0"), std::string::npos) << perfdata;
}

TEST(PerfData, UnlistedCountWithThresholdsAsPlainNumbers) {
    using namespace test_support;
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 22), {}),
                                                  observed(tcp("::", 5432, true), {})};
    auto verdict = evaluate({}, listeners, {}, on_linux);
    verdict.unlisted_count = UnlistedCount{State::ok, "5", "10", 5.0, 10.0};
    const auto output = format_report(verdict, {2, 0, 0, {}, {}});
    const auto first_line = output.substr(0, output.find('\n'));
    EXPECT_NE(first_line.find(" unlisted=2;5;10;0"), std::string::npos) << first_line;
    // A range that is not a plain number is left out rather than written as a range.
    verdict.unlisted_count =
        UnlistedCount{State::ok, "10:", std::nullopt, std::nullopt, std::nullopt};
    const auto ranged = format_report(verdict, {2, 0, 0, {}, {}});
    EXPECT_NE(ranged.find(" unlisted=2;;;0"), std::string::npos) << ranged;
}

}  // namespace
}  // namespace port_owner
