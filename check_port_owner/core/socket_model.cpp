// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/socket_model.hpp"

namespace port_owner {

std::string_view transport_name(Transport transport) {
    return transport == Transport::tcp ? "tcp" : "udp";
}

bool Listener::serves(Family family) const {
    if (address.family() == family) {
        return true;
    }
    // Only a dual-stack IPv6 wildcard socket also accepts IPv4 traffic.
    return family == Family::ipv4 && address.family() == Family::ipv6 && address.is_wildcard() &&
           !v6only;
}

std::optional<bool> Listener::surely_serves(Family family) const {
    const bool answer = serves(family);
    const bool rests_on_v6only =
        family == Family::ipv4 && address.family() == Family::ipv6 && address.is_wildcard();
    if (rests_on_v6only && !v6only_known) {
        return std::nullopt;
    }
    return answer;
}

std::string executable_basename(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string ProcessIdentity::display_name() const {
    if (!executable) {
        return comm;
    }
    return executable_name.empty() ? executable_basename(*executable) : executable_name;
}

}  // namespace port_owner
