// SPDX-License-Identifier: GPL-3.0-or-later
// The Windows supervisor's last line of defence (no fork: the check runs on the main thread): a
// crash of the check, or an exit code that contradicts line 1, is one UNKNOWN line with exit 3.
// The fault-injection build makes both happen (PORT_OWNER_FAULT_CRASH, PORT_OWNER_FAULT_EXIT_CODE).

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/program_run.hpp"
#include "integration/harness/plugin_output.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace windows_tests {
namespace {

using namespace std::chrono_literals;

TEST(Supervisor, ACrashedCheckIsOneUnknownLine) {
    const auto run = run_program(fault_injection_plugin_path(), {"-p", "1"},
                                 {{L"PORT_OWNER_FAULT_CRASH", L"1"}}, 30s);
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_EQ(run.output,
              "PORT_OWNER UNKNOWN - internal error: the check crashed (exception 0xC0000005)\n")
        << run;
}

TEST(Supervisor, AnExitCodeThatDisagreesWithLineOneIsUnknown) {
    // Nobody listens on port 1: the report says CRITICAL; the fault makes the check end with 0.
    const auto run = run_program(fault_injection_plugin_path(), {"-p", "1"},
                                 {{L"PORT_OWNER_FAULT_EXIT_CODE", L"0"}}, 30s);
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_NE(run.output.find("CRITICAL"), std::string::npos) << run;
    EXPECT_NE(run.output.find("exit code 0"), std::string::npos) << run;
}

}  // namespace
}  // namespace windows_tests
