// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "program_run.hpp"
#include "service_state.hpp"

#include <sys/types.h>

#include <gtest/gtest.h>

#include <string_view>

namespace integration {

// Predicates for EXPECT_TRUE / ASSERT_TRUE; on failure the message shows the whole run.

// The verdict every test checks: the plugin ended by itself with `state`'s exit code, line 1 is
// "PORT_OWNER <state word> ...", and stderr is empty (Icinga 2 would mix it into the output).
testing::AssertionResult has_verdict(const ProgramRun& run, ServiceState state);

testing::AssertionResult first_line_contains(const ProgramRun& run, std::string_view text);

// Line 1 names the culprit as "held by <executable basename> (pid <pid>, ...".
testing::AssertionResult names_culprit(const ProgramRun& run, std::string_view executable_name,
                                       pid_t pid);

// Line 1's perfdata has `label` with exactly `value` (unit included, thresholds excluded).
testing::AssertionResult has_perfdata(const ProgramRun& run, std::string_view label,
                                      std::string_view value);

}  // namespace integration
