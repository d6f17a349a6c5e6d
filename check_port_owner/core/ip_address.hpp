// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace port_owner {

enum class Family { ipv4, ipv6 };

// An IPv4 or IPv6 address in network byte order. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are
// stored as IPv4: a socket bound to ::ffff:127.0.0.1 serves exactly 127.0.0.1, and admins write
// rules for 127.0.0.1, never for the mapped form.
class IpAddress {
  public:
    static IpAddress ipv4(const std::array<std::uint8_t, 4>& bytes);
    static IpAddress ipv6(const std::array<std::uint8_t, 16>& bytes);  // maps ::ffff:x to IPv4
    static IpAddress any(Family family);

    // Accepts dotted IPv4 and textual IPv6 (without brackets); nullopt when it is neither.
    static std::optional<IpAddress> parse(std::string_view text);

    Family family() const { return family_; }
    bool is_wildcard() const;
    // The canonical text (as inet_ntop writes it), without brackets.
    std::string to_string() const;
    // As written next to a port: IPv6 in brackets.
    std::string to_host_string() const;

    auto operator<=>(const IpAddress&) const = default;

  private:
    Family family_ = Family::ipv4;
    std::array<std::uint8_t, 16> bytes_{};  // IPv4 uses the first 4 bytes
};

}  // namespace port_owner
