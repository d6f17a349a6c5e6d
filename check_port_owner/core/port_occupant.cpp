// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/port_occupant.hpp"

#include <algorithm>

namespace port_owner {
namespace {

// Lower ranks are shown first.
int display_rank(const PortOccupant& occupant) {
    if (occupant.kind == PortOccupant::Kind::bound_not_listening) {
        return 0;
    }
    return occupant.local.socket.inode != 0 ? 1 : 2;
}

}  // namespace

std::string_view connection_state_name(ConnectionState state) {
    switch (state) {
        case ConnectionState::established:
            return "ESTABLISHED";
        case ConnectionState::syn_sent:
            return "SYN-SENT";
        case ConnectionState::syn_received:
            return "SYN-RECEIVED";
        case ConnectionState::fin_wait_1:
            return "FIN-WAIT-1";
        case ConnectionState::fin_wait_2:
            return "FIN-WAIT-2";
        case ConnectionState::time_wait:
            return "TIME-WAIT";
        case ConnectionState::closed:
            return "CLOSED";
        case ConnectionState::close_wait:
            return "CLOSE-WAIT";
        case ConnectionState::last_ack:
            return "LAST-ACK";
        case ConnectionState::closing:
            return "CLOSING";
    }
    return "CLOSED";
}

Occupation occupation_of(const Rule& rule, const std::vector<PortOccupant>& occupants,
                         const EphemeralPorts* ephemeral) {
    Occupation occupation;
    for (const auto& occupant : occupants) {
        if (rule.spec.coverage(occupant.local.socket) != PortSpec::Coverage::none) {
            occupation.occupants.push_back(&occupant);
        }
    }
    std::stable_sort(occupation.occupants.begin(), occupation.occupants.end(),
                     [](const PortOccupant* a, const PortOccupant* b) {
                         return display_rank(*a) < display_rank(*b);
                     });
    if (ephemeral == nullptr || !ephemeral->reserved_known) {
        return occupation;
    }
    occupation.ephemeral_range = ephemeral->range;
    occupation.reserve_setting = ephemeral->reserve_setting;
    // Only a connection got its port from the kernel's choice; a socket bound on purpose would
    // take the port whatever is reserved.
    for (const auto* occupant : occupation.occupants) {
        const auto port = occupant->local.socket.port;
        if (occupant->kind == PortOccupant::Kind::connection && ephemeral->hands_out(port) &&
            std::find(occupation.handed_out_ports.begin(), occupation.handed_out_ports.end(),
                      port) == occupation.handed_out_ports.end()) {
            occupation.handed_out_ports.push_back(port);
        }
    }
    std::sort(occupation.handed_out_ports.begin(), occupation.handed_out_ports.end());
    return occupation;
}

}  // namespace port_owner
