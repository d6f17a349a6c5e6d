// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace port_owner {

// What the check process is expected to print.
enum class ExpectedOutput {
    report,      // `PORT_OWNER STATE - ...` on line 1
    allow_list,  // --learn: an allow-list (exit 0), or a `PORT_OWNER UNKNOWN - ...` failure line
};

// The last line of defence against an answer whose exit code says something else than its text:
// nullopt when `output` and `exit_code` agree (line 1's state word is the exit code's state), else
// why not, in words for an UNKNOWN line ("printed CRITICAL but ended with exit code 0").
std::optional<std::string> answer_disagreement(std::string_view output, int exit_code,
                                               ExpectedOutput expected);

}  // namespace port_owner
