// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace port_owner {

// `text` without leading and trailing blanks (space, tab, and the CR of a CRLF line).
inline std::string_view trim_blanks(std::string_view text) {
    constexpr std::string_view blanks = " \t\r";
    const auto first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

}  // namespace port_owner
