// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace port_owner {

// The whole of `text` as a number in `base`: digits only (no sign, no blank, no prefix), nothing
// left over, within the range of Number; nullopt otherwise. Every number the plugin reads from a
// rule, a file or /proc goes through here, so "80x", " 80" and "-1" are refused alike.
template <typename Number>
std::optional<Number> parse_whole_number(std::string_view text, int base = 10) {
    if (text.empty() || text.front() == '-' || text.front() == '+') {
        return std::nullopt;
    }
    Number value{};
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value, base);
    if (error != std::errc{} || stop != end) {
        return std::nullopt;
    }
    return value;
}

}  // namespace port_owner
