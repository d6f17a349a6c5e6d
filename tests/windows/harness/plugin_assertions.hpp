// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "harness/program_run.hpp"
#include "integration/harness/service_state.hpp"

#include <windows.h>

#include <gtest/gtest.h>

#include <string_view>

namespace windows_tests {

using integration::kCritical;
using integration::kOk;
using integration::kUnknown;
using integration::kWarning;
using integration::ServiceState;

// Predicates for EXPECT_TRUE / ASSERT_TRUE; on failure the message shows the whole run.

// What every answer must be, whatever the state, as on Linux: the plugin ended by itself; line
// 1 is "PORT_OWNER <STATE> - ..." and the exit code is that state's; lines end in LF, never
// CRLF (msvcrt's text mode would add CRs); the output is UTF-8; stderr is empty.
testing::AssertionResult follows_output_contract(const ProgramRun& run);

// follows_output_contract, and the state is `state`.
testing::AssertionResult has_verdict(const ProgramRun& run, ServiceState state);

// Line 1 names the holder as "held by <image file name> (pid <pid>, ...".
testing::AssertionResult names_holder(const ProgramRun& run, std::string_view image, DWORD pid);

testing::AssertionResult first_line_contains(const ProgramRun& run, std::string_view text);

}  // namespace windows_tests
