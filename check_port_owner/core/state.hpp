// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string_view>

namespace port_owner {

// The four plugin states; the numeric value is the exit code the engines expect.
enum class State { ok = 0, warning = 1, critical = 2, unknown = 3 };

constexpr int exit_code(State state) {
    return static_cast<int>(state);
}

// "ok", "warning", ... as accepted by --missing, --unexpected and the allow-list file.
std::optional<State> parse_state(std::string_view text);

// "OK", "WARNING", ... as printed in the output.
std::string_view state_word(State state);

// How bad a state is for picking the overall result: CRITICAL > WARNING > UNKNOWN > OK.
// UNKNOWN ranks below WARNING because a confirmed problem matters more than a doubt.
int severity(State state);

State worse_of(State a, State b);

}  // namespace port_owner
