// SPDX-License-Identifier: GPL-3.0-or-later
// -t on Windows: no fork, a watchdog thread. A check that never returns (the fault-injection
// build, PORT_OWNER_FAULT_STALL) must still answer UNKNOWN in one line, on time.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/program_run.hpp"
#include "integration/harness/plugin_output.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace windows_tests {
namespace {

using namespace std::chrono_literals;

TEST(Timeout, AStalledCheckAnswersUnknownWhenTheTimeoutExpires) {
    const auto run = run_program(fault_injection_plugin_path(), {"-t", "1", "-p", "80"},
                                 {{L"PORT_OWNER_FAULT_STALL", L"1"}}, 30s);
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_EQ(run.output, "PORT_OWNER UNKNOWN - timed out after 1 s\n") << run;
    EXPECT_GE(run.elapsed, 1s) << run;
    EXPECT_LT(run.elapsed, 5s) << run;
}

// The control: the same build without the fault answers at once, so the test above measures
// the stall and the watchdog, not a slow start.
TEST(Timeout, TheSameBuildWithoutTheFaultAnswersNormally) {
    const auto run = run_program(fault_injection_plugin_path(), {"-t", "1", "-p", "1"}, {}, 30s);
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_EQ(run.output.find("timed out"), std::string::npos) << run;
}

}  // namespace
}  // namespace windows_tests
