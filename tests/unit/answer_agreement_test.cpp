// SPDX-License-Identifier: GPL-3.0-or-later
// The supervisor's last check: the exit code says what line 1 says, or the answer is UNKNOWN.

#include <gtest/gtest.h>

#include "core/answer_agreement.hpp"

namespace port_owner {
namespace {

constexpr auto report = ExpectedOutput::report;
constexpr auto allow_list = ExpectedOutput::allow_list;

TEST(AnswerAgreement, EachStateWordWithItsExitCodeAgrees) {
    EXPECT_EQ(answer_disagreement("PORT_OWNER OK - fine | rules=1\n", 0, report), std::nullopt);
    EXPECT_EQ(answer_disagreement("PORT_OWNER WARNING - 3 unlisted\n", 1, report), std::nullopt);
    EXPECT_EQ(answer_disagreement("PORT_OWNER CRITICAL - tcp/80 held by x\nmore\n", 2, report),
              std::nullopt);
    EXPECT_EQ(answer_disagreement("PORT_OWNER UNKNOWN - bad option\n", 3, report), std::nullopt);
}

TEST(AnswerAgreement, AnotherExitCodeIsNamed) {
    EXPECT_EQ(answer_disagreement("PORT_OWNER CRITICAL - tcp/80 held by x\n", 0, report),
              "printed CRITICAL but ended with exit code 0");
    EXPECT_EQ(answer_disagreement("PORT_OWNER OK - fine\n", 3, report),
              "printed OK but ended with exit code 3");
}

TEST(AnswerAgreement, ExitCodeOutsideThePluginRange) {
    EXPECT_EQ(answer_disagreement("PORT_OWNER OK - fine\n", 4, report), "ended with exit code 4");
    EXPECT_EQ(answer_disagreement("PORT_OWNER OK - fine\n", 255, allow_list),
              "ended with exit code 255");
}

TEST(AnswerAgreement, NoOutput) {
    EXPECT_EQ(answer_disagreement("", 0, report), "printed nothing and ended with exit code 0");
    EXPECT_EQ(answer_disagreement("", 0, allow_list), "printed nothing and ended with exit code 0");
}

TEST(AnswerAgreement, FirstLineThatIsNoReport) {
    EXPECT_EQ(answer_disagreement("Segmentation fault\n", 0, report),
              "printed 'Segmentation fault' and ended with exit code 0");
    // A word that only starts like a state, or no text after it.
    EXPECT_NE(answer_disagreement("PORT_OWNER OKAY - fine\n", 0, report), std::nullopt);
    EXPECT_NE(answer_disagreement("PORT_OWNER OK\n", 0, report), std::nullopt);
    EXPECT_NE(answer_disagreement("port_owner OK - fine\n", 0, report), std::nullopt);
}

TEST(AnswerAgreement, LearnedAllowListIsExitZero) {
    const char* learned = "# Allow-list written by check_port_owner --learn\n[tcp/22]\n";
    EXPECT_EQ(answer_disagreement(learned, 0, allow_list), std::nullopt);
    EXPECT_NE(answer_disagreement(learned, 2, allow_list), std::nullopt);
    EXPECT_EQ(answer_disagreement("PORT_OWNER UNKNOWN - cannot list listeners\n", 3, allow_list),
              std::nullopt);
    EXPECT_NE(answer_disagreement(learned, 0, report), std::nullopt);
}

TEST(AnswerAgreement, HostileFirstLineIsEscaped) {
    const auto reason = answer_disagreement("evil\x1b[2J|perf=1\n", 0, report);
    ASSERT_TRUE(reason.has_value());
    EXPECT_EQ(reason->find('\x1b'), std::string::npos) << *reason;
    EXPECT_EQ(reason->find('|'), std::string::npos) << *reason;
}

}  // namespace
}  // namespace port_owner
