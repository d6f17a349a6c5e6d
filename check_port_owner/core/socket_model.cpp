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

std::string ProcessIdentity::display_name() const {
    if (executable) {
        const auto slash = executable->rfind('/');
        return slash == std::string::npos ? *executable : executable->substr(slash + 1);
    }
    return comm;
}

}  // namespace port_owner
