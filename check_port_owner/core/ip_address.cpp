// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ip_address.hpp"

#include <algorithm>

#include "core/address_text.hpp"

namespace port_owner {

IpAddress IpAddress::ipv4(const std::array<std::uint8_t, 4>& bytes) {
    IpAddress address;
    address.family_ = Family::ipv4;
    std::copy(bytes.begin(), bytes.end(), address.bytes_.begin());
    return address;
}

IpAddress IpAddress::ipv6(const std::array<std::uint8_t, 16>& bytes) {
    static constexpr std::array<std::uint8_t, 12> mapped_prefix{0, 0, 0, 0, 0,    0,
                                                                0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(mapped_prefix.begin(), mapped_prefix.end(), bytes.begin())) {
        return ipv4({bytes[12], bytes[13], bytes[14], bytes[15]});
    }
    IpAddress address;
    address.family_ = Family::ipv6;
    address.bytes_ = bytes;
    return address;
}

IpAddress IpAddress::any(Family family) {
    IpAddress address;
    address.family_ = family;
    return address;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    if (const auto v4 = parse_ipv4_text(text)) {
        return ipv4(*v4);
    }
    if (const auto v6 = parse_ipv6_text(text)) {
        return ipv6(*v6);
    }
    return std::nullopt;
}

bool IpAddress::is_wildcard() const {
    const auto length = family_ == Family::ipv4 ? 4 : 16;
    return std::all_of(bytes_.begin(), bytes_.begin() + length, [](auto b) { return b == 0; });
}

std::string IpAddress::to_string() const {
    if (family_ == Family::ipv4) {
        return format_ipv4_text({bytes_[0], bytes_[1], bytes_[2], bytes_[3]});
    }
    return format_ipv6_text(bytes_);
}

std::string IpAddress::to_host_string() const {
    if (family_ != Family::ipv6) {
        return to_string();
    }
    // Appended rather than `"[" + to_string() + "]"`: GCC 12 at -O3 reports a false -Wrestrict
    // inside operator+(const char*, string&&).
    std::string text(1, '[');
    text += to_string();
    text += ']';
    return text;
}

}  // namespace port_owner
