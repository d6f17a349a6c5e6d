// SPDX-License-Identifier: GPL-3.0-or-later
// A rule the plugin cannot parse is a tool failure: UNKNOWN, one line saying so, nothing on stderr.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"

#include <gtest/gtest.h>

#include <string>

namespace integration {
namespace {

struct InvalidRuleCase {
    std::string name;  // the test name suffix
    std::string rule;
};

void PrintTo(const InvalidRuleCase& rule_case, std::ostream* stream) {
    *stream << "-p " << rule_case.rule;
}

class InvalidRule : public testing::TestWithParam<InvalidRuleCase> {};

TEST_P(InvalidRule, IsUnknownOnOneLine) {
    const ProgramRun run = run_plugin({"-p", GetParam().rule});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_EQ(output_lines(run.out).size(), 1u) << describe(run);
}

INSTANTIATE_TEST_SUITE_P(Rules, InvalidRule,
                         testing::Values(InvalidRuleCase{"PortAbove65535", "99999"},
                                         InvalidRuleCase{"UnknownProtocol", "tcp9/80=nginx"},
                                         // ECMAScript that RE2 does not have
                                         InvalidRuleCase{"RegexLookahead", "80=cmdline:(?=x)"},
                                         // beyond RE2's memory budget once compiled
                                         InvalidRuleCase{"RegexTooLarge", "80=cmdline:\\pL{1000}"}),
                         [](const testing::TestParamInfo<InvalidRuleCase>& info) {
                             return info.param.name;
                         });

}  // namespace
}  // namespace integration
