// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/check_deadline.hpp"

#include <algorithm>

namespace port_owner::linux_os {
namespace {

// One check per process, set once before it starts: no locking needed.
std::optional<std::chrono::steady_clock::time_point> check_deadline;

}  // namespace

void set_check_deadline(std::chrono::steady_clock::time_point deadline) {
    check_deadline = deadline;
}

std::optional<std::chrono::steady_clock::duration> time_left_for_check() {
    if (!check_deadline) {
        return std::nullopt;
    }
    return std::max(*check_deadline - std::chrono::steady_clock::now(),
                    std::chrono::steady_clock::duration::zero());
}

}  // namespace port_owner::linux_os
