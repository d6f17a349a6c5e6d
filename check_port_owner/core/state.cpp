// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/state.hpp"

namespace port_owner {

std::optional<State> parse_state(std::string_view text) {
    if (text == "ok") {
        return State::ok;
    }
    if (text == "warning") {
        return State::warning;
    }
    if (text == "critical") {
        return State::critical;
    }
    if (text == "unknown") {
        return State::unknown;
    }
    return std::nullopt;
}

std::string_view state_word(State state) {
    switch (state) {
        case State::ok:
            return "OK";
        case State::warning:
            return "WARNING";
        case State::critical:
            return "CRITICAL";
        case State::unknown:
            return "UNKNOWN";
    }
    return "UNKNOWN";
}

int severity(State state) {
    switch (state) {
        case State::ok:
            return 0;
        case State::unknown:
            return 1;
        case State::warning:
            return 2;
        case State::critical:
            return 3;
    }
    return 1;
}

State worse_of(State a, State b) {
    return severity(b) > severity(a) ? b : a;
}

}  // namespace port_owner
