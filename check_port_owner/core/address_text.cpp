// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/address_text.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace port_owner {
namespace {

constexpr std::size_t ipv6_groups = 8;
constexpr std::size_t max_hex_digits_per_group = 4;

int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// The longest run of zero groups, as (first group, length); length 0 when there is none.
std::pair<std::size_t, std::size_t> longest_zero_run(
    const std::array<unsigned, ipv6_groups>& groups) {
    std::size_t best_start = 0;
    std::size_t best_length = 0;
    for (std::size_t start = 0; start < ipv6_groups;) {
        if (groups[start] != 0) {
            ++start;
            continue;
        }
        std::size_t end = start;
        while (end < ipv6_groups && groups[end] == 0) {
            ++end;
        }
        if (end - start > best_length) {
            best_start = start;
            best_length = end - start;
        }
        start = end;
    }
    return {best_start, best_length};
}

}  // namespace

std::optional<std::array<std::uint8_t, 4>> parse_ipv4_text(std::string_view text) {
    std::array<std::uint8_t, 4> bytes{};
    std::size_t part = 0;
    std::size_t digits = 0;
    unsigned value = 0;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            if (digits > 0 && value == 0) {
                return std::nullopt;  // a leading zero: "01" could be read as octal elsewhere
            }
            value = value * 10 + static_cast<unsigned>(c - '0');
            if (value > 255) {
                return std::nullopt;
            }
            ++digits;
        } else if (c == '.' && digits > 0 && part < 3) {
            bytes[part++] = static_cast<std::uint8_t>(value);
            digits = 0;
            value = 0;
        } else {
            return std::nullopt;
        }
    }
    if (part != 3 || digits == 0) {
        return std::nullopt;
    }
    bytes[part] = static_cast<std::uint8_t>(value);
    return bytes;
}

std::optional<std::array<std::uint8_t, 16>> parse_ipv6_text(std::string_view text) {
    // A leading ':' must start "::".
    if (text.empty() || (text[0] == ':' && (text.size() < 2 || text[1] != ':'))) {
        return std::nullopt;
    }
    std::array<std::uint8_t, 16> bytes{};
    std::size_t written = 0;  // bytes filled before (or, after "::", since) the zero run
    std::optional<std::size_t> zero_run_at;
    std::size_t position = text[0] == ':' ? 1 : 0;
    std::size_t group_start = position;
    std::size_t digits = 0;
    unsigned value = 0;
    bool ends_in_ipv4 = false;
    while (position < text.size()) {
        const char c = text[position++];
        if (const int digit = hex_digit_value(c); digit >= 0) {
            if (digits == max_hex_digits_per_group) {
                return std::nullopt;
            }
            value = (value << 4) | static_cast<unsigned>(digit);
            ++digits;
            continue;
        }
        if (c == ':') {
            group_start = position;
            if (digits == 0) {
                if (zero_run_at) {
                    return std::nullopt;  // a second "::"
                }
                zero_run_at = written;
                continue;
            }
            if (position == text.size() || written + 2 > bytes.size()) {
                return std::nullopt;  // a trailing single ':', or too many groups
            }
            bytes[written++] = static_cast<std::uint8_t>(value >> 8);
            bytes[written++] = static_cast<std::uint8_t>(value & 0xff);
            digits = 0;
            value = 0;
            continue;
        }
        if (c == '.' && written + 4 <= bytes.size()) {
            const auto ipv4 = parse_ipv4_text(text.substr(group_start));
            if (!ipv4) {
                return std::nullopt;
            }
            std::copy(ipv4->begin(), ipv4->end(), bytes.begin() + written);
            written += 4;
            digits = 0;
            ends_in_ipv4 = true;
            break;
        }
        return std::nullopt;
    }
    if (!ends_in_ipv4 && digits > 0) {
        if (written + 2 > bytes.size()) {
            return std::nullopt;
        }
        bytes[written++] = static_cast<std::uint8_t>(value >> 8);
        bytes[written++] = static_cast<std::uint8_t>(value & 0xff);
    }
    if (zero_run_at) {
        if (written == bytes.size()) {
            return std::nullopt;  // "::" must stand for at least one group
        }
        // Move what followed "::" to the end; the zero run fills the gap.
        const auto after = written - *zero_run_at;
        std::copy_backward(bytes.begin() + *zero_run_at, bytes.begin() + written, bytes.end());
        std::fill(bytes.begin() + *zero_run_at, bytes.end() - after, std::uint8_t{0});
        written = bytes.size();
    }
    if (written != bytes.size()) {
        return std::nullopt;
    }
    return bytes;
}

std::string format_ipv4_text(const std::array<std::uint8_t, 4>& bytes) {
    return fmt::format("{}.{}.{}.{}", bytes[0], bytes[1], bytes[2], bytes[3]);
}

std::string format_ipv6_text(const std::array<std::uint8_t, 16>& bytes) {
    std::array<unsigned, ipv6_groups> groups{};
    for (std::size_t group = 0; group < ipv6_groups; ++group) {
        groups[group] = (static_cast<unsigned>(bytes[2 * group]) << 8) | bytes[2 * group + 1];
    }
    auto [run_start, run_length] = longest_zero_run(groups);
    if (run_length < 2) {
        run_length = 0;  // a single zero group is written as "0", not "::"
    }
    // ::a.b.c.d (IPv4-compatible) and ::ffff:a.b.c.d (IPv4-mapped), as glibc writes them.
    const bool dotted_tail =
        run_start == 0 && (run_length == 6 || (run_length == 5 && groups[5] == 0xffff));
    std::string text;
    for (std::size_t group = 0; group < ipv6_groups; ++group) {
        if (run_length > 0 && group >= run_start && group < run_start + run_length) {
            if (group == run_start) {
                text += ':';
            }
            continue;
        }
        if (group != 0) {
            text += ':';
        }
        if (group == 6 && dotted_tail) {
            text += format_ipv4_text({bytes[12], bytes[13], bytes[14], bytes[15]});
            return text;
        }
        fmt::format_to(std::back_inserter(text), "{:x}", groups[group]);
    }
    if (run_length > 0 && run_start + run_length == ipv6_groups) {
        text += ':';
    }
    return text;
}

}  // namespace port_owner
