// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/proc_net_parser.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#include "core/text_lines.hpp"
#include "core/whole_number.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::string_view tcp_listen_state = "0A";

// Splits off the next whitespace-separated field.
std::string_view next_field(std::string_view& rest) {
    const auto start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
        rest = {};
        return {};
    }
    rest.remove_prefix(start);
    const auto end = rest.find_first_of(" \t");
    const auto field = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return field;
}

// The whole field as a number, or false: a field with a sign, a blank or a stray character is a
// malformed line, not a number.
template <typename T>
bool parse_number(std::string_view text, T& value, int base) {
    const auto number = parse_whole_number<T>(text, base);
    if (number) {
        value = *number;
    }
    return number.has_value();
}

// The kernel prints each 32-bit word of the address with %08X of its in-memory value, so on a
// little-endian machine the bytes appear reversed; copying the parsed word back into memory
// restores network order on any endianness.
bool parse_address(std::string_view hex, Family family, IpAddress& address) {
    const std::size_t words = family == Family::ipv4 ? 1 : 4;
    if (hex.size() != words * 8) {
        return false;
    }
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < words; ++i) {
        std::uint32_t word = 0;
        if (!parse_number(hex.substr(i * 8, 8), word, 16)) {
            return false;
        }
        std::memcpy(bytes.data() + i * 4, &word, 4);
    }
    address = family == Family::ipv4 ? IpAddress::ipv4({bytes[0], bytes[1], bytes[2], bytes[3]})
                                     : IpAddress::ipv6(bytes);
    return true;
}

}  // namespace

std::optional<Listener> parse_proc_net_line(std::string_view line, Transport transport,
                                            Family family, Ipv6SocketDefault socket_default) {
    std::string_view rest = line;
    const auto slot = next_field(rest);
    const auto local = next_field(rest);
    next_field(rest);  // remote address
    const auto state = next_field(rest);
    next_field(rest);  // tx_queue:rx_queue
    next_field(rest);  // tr:tm->when
    next_field(rest);  // retrnsmt
    const auto uid = next_field(rest);
    next_field(rest);  // timeout
    const auto inode = next_field(rest);
    if (slot.empty() || slot.back() != ':' || inode.empty()) {
        return std::nullopt;
    }
    // Every UDP line is a bound socket, connected (01) or not (07): both hold the port.
    if (transport == Transport::tcp ? state != tcp_listen_state : state.empty()) {
        return std::nullopt;
    }
    const auto colon = local.find(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    Listener listener;
    listener.transport = transport;
    if (!parse_address(local.substr(0, colon), family, listener.address) ||
        !parse_number(local.substr(colon + 1), listener.port, 16) ||
        !parse_number(uid, listener.socket_uid, 10) || !parse_number(inode, listener.inode, 10)) {
        return std::nullopt;
    }
    listener.v6only =
        listener.address.family() == Family::ipv6 && socket_default == Ipv6SocketDefault::ipv6_only;
    // /proc/net has no column for IPV6_V6ONLY: for an IPv6 socket the flag above is only the
    // system default, and rules that depend on it must not rest on a guess.
    listener.v6only_known = listener.address.family() != Family::ipv6;
    return listener;
}

std::vector<Listener> parse_proc_net_table(std::string_view text, Transport transport,
                                           Family family, Ipv6SocketDefault socket_default) {
    std::vector<Listener> listeners;
    for (const std::string_view line : TextLines(text)) {
        if (auto listener = parse_proc_net_line(line, transport, family, socket_default)) {
            listeners.push_back(*listener);
        }
    }
    return listeners;
}

}  // namespace port_owner::linux_os
