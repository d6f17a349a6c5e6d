// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <optional>

namespace port_owner::linux_os {

// When the supervisor answers "timed out" (-t): set in the check process when it starts, so that
// a call that can wait on another process (a D-Bus call) gives up in time to say why, instead
// of being cut off by the supervisor without a word.
void set_check_deadline(std::chrono::steady_clock::time_point deadline);

// The time left before the deadline, never negative; nullopt when no deadline was set.
std::optional<std::chrono::steady_clock::duration> time_left_for_check();

}  // namespace port_owner::linux_os
