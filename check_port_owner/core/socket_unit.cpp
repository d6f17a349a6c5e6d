// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/socket_unit.hpp"

#include <algorithm>
#include <charconv>

namespace port_owner {
namespace {

std::optional<Transport> transport_of_type(std::string_view type) {
    // SequentialPacket (SOCK_SEQPACKET) is neither a TCP nor a UDP socket.
    if (type == "Stream") {
        return Transport::tcp;
    }
    if (type == "Datagram") {
        return Transport::udp;
    }
    return std::nullopt;
}

struct InetAddress {
    std::optional<IpAddress> address;  // nullopt: a bare port, the wildcard of either family
    std::uint16_t port = 0;
};

// `1.2.3.4:80`, `[::1]:80`, `[fe80::1%eth0]:80` or `80`; nullopt for anything else (a path, a
// netlink family, a vsock address).
std::optional<InetAddress> parse_inet_address(std::string_view text) {
    InetAddress parsed;
    std::string_view port_text = text;
    if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        auto host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
            host = host.substr(1, host.size() - 2);
        }
        // A scope or interface (`%eth0`) binds to a device; the address is what the kernel shows.
        host = host.substr(0, host.find('%'));
        parsed.address = IpAddress::parse(host);
        if (!parsed.address) {
            return std::nullopt;
        }
    }
    unsigned port = 0;
    const auto* end = port_text.data() + port_text.size();
    const auto result = std::from_chars(port_text.data(), end, port);
    if (port_text.empty() || result.ec != std::errc() || result.ptr != end || port == 0 ||
        port > 65535) {
        return std::nullopt;
    }
    parsed.port = static_cast<std::uint16_t>(port);
    return parsed;
}

std::string_view unit_prefix(std::string_view name) {
    // The part before the instance or the suffix: `echo@1.socket` and `echo.socket` give `echo`.
    return name.substr(0, std::min(name.find('@'), name.rfind('.')));
}

}  // namespace

bool listen_entry_matches(const SocketUnitListen& entry, const Listener& listener) {
    const auto transport = transport_of_type(entry.type);
    const auto parsed = parse_inet_address(entry.address);
    if (!transport || !parsed || *transport != listener.transport ||
        parsed->port != listener.port) {
        return false;
    }
    if (!parsed->address) {
        return listener.address.is_wildcard();
    }
    return *parsed->address == listener.address;
}

std::string service_of_socket_unit(const SocketUnit& unit) {
    if (unit.accept) {
        return std::string(unit_prefix(unit.name)) + "@.service";
    }
    const auto service = std::find_if(
        unit.triggers.begin(), unit.triggers.end(),
        [](const std::string& name) { return name.size() > 8 && name.ends_with(".service"); });
    return service == unit.triggers.end() ? std::string() : *service;
}

std::vector<const SocketUnit*> socket_units_listening_on(const Listener& listener,
                                                         const std::vector<SocketUnit>& units) {
    std::vector<const SocketUnit*> found;
    for (const auto& unit : units) {
        if (std::any_of(unit.listen.begin(), unit.listen.end(),
                        [&](const auto& entry) { return listen_entry_matches(entry, listener); })) {
            found.push_back(&unit);
        }
    }
    return found;
}

}  // namespace port_owner
