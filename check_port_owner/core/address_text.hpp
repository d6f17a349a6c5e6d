// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace port_owner {

// The textual forms of IP addresses, exactly as the C library's inet_pton and inet_ntop read and
// write them on Linux (glibc), so that an address looks the same in this plugin's output as in
// ss and netstat, and a rule accepts what the admin copies from them. Written here rather than
// called, so that the pure core needs no socket header and reads the same on every platform.

// Dotted quad, four decimal parts of 0-255 without leading zeros ("10.0.0.1"; not "10.0.0.01",
// "10.1" or "0x0a.0.0.1").
std::optional<std::array<std::uint8_t, 4>> parse_ipv4_text(std::string_view text);

// Eight groups of 1-4 hex digits separated by ':', one "::" standing for one or more zero groups,
// and a dotted quad allowed in place of the last two groups ("fe80::1", "::ffff:10.0.0.1").
std::optional<std::array<std::uint8_t, 16>> parse_ipv6_text(std::string_view text);

std::string format_ipv4_text(const std::array<std::uint8_t, 4>& bytes);

// Lower-case hex without leading zeros, the longest run of two or more zero groups (the first of
// equal runs) written "::", and the last 32 bits as a dotted quad for IPv4-compatible
// (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses.
std::string format_ipv6_text(const std::array<std::uint8_t, 16>& bytes);

}  // namespace port_owner
