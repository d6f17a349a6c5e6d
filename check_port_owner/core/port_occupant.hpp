// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/ephemeral_ports.hpp"
#include "core/ip_address.hpp"
#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner {

// A TCP connection's state, by the names of RFC 793 (as ss writes them).
enum class ConnectionState {
    established,
    syn_sent,
    syn_received,
    fin_wait_1,
    fin_wait_2,
    time_wait,
    closed,
    close_wait,
    last_ack,
    closing,
};

// `ESTABLISHED`, `TIME-WAIT`, ...
std::string_view connection_state_name(ConnectionState state);

// What holds a port that nobody listens on, so that the service cannot bind it ("Address already
// in use"): a TCP socket bound to the port without listening, or a connection whose local port
// it is (an outgoing one the kernel gave that port, or one a stopped server accepted).
struct PortOccupant {
    enum class Kind { bound_not_listening, connection };
    Kind kind = Kind::bound_not_listening;
    // The local end and its holders, found and reported as for a listener: `socket.inode` is 0
    // for a connection no process holds any more (TIME-WAIT, or closed by its process).
    ObservedListener local;
    // For a connection: the other end and the state.
    IpAddress remote_address;
    std::uint16_t remote_port = 0;
    ConnectionState state = ConnectionState::established;
};

// What a MISSING finding learned about its port from the occupants.
struct Occupation {
    // Shown in this order: sockets bound without listening first (the likelier cause), then
    // connections held by a process, then those no process holds.
    std::vector<const PortOccupant*> occupants;
    // Local ports of those connections that the kernel hands out to outgoing connections; with
    // the range and how to reserve a port, for the hint.
    std::vector<std::uint16_t> handed_out_ports;
    PortRange ephemeral_range;
    std::string reserve_setting;
};

// Pure: the occupants that keep `rule`'s service from binding, i.e. those on its ports at an
// address the rule covers (a socket on another specific address does not conflict), ordered as
// Occupation says; and which of their ports the kernel hands out. `ephemeral` is null when the
// ranges are unknown: then no hint is given.
Occupation occupation_of(const Rule& rule, const std::vector<PortOccupant>& occupants,
                         const EphemeralPorts* ephemeral);

}  // namespace port_owner
