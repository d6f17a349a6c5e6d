// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/socket_model.hpp"

namespace port_owner {

// One Listen entry of a systemd .socket unit as its D-Bus API reports it (Socket.Listen): the
// type (Stream, Datagram, SequentialPacket, FIFO, Netlink, Special...) and the address as systemd
// prints it: `0.0.0.0:22`, `[::]:22`, `127.0.0.1:5353`, or a path for the other families.
struct SocketUnitListen {
    std::string type;
    std::string address;
};

// What systemd says about one .socket unit.
struct SocketUnit {
    std::string name;  // ssh.socket
    bool accept = false;
    std::vector<std::string> triggers;  // Unit.Triggers: the units a connection starts
    std::vector<SocketUnitListen> listen;
};

// Whether a Listen entry is this listener: the same transport, address and port. A wildcard
// `[::]` entry is the same socket whether or not it also serves IPv4 (BindIPv6Only= decides that,
// and the listener itself says which).
bool listen_entry_matches(const SocketUnitListen& entry, const Listener& listener);

// The service a socket unit hands its connections to, whose program serves the port: for
// Accept=no the .service among its triggers (Service= or the unit of the same name); for
// Accept=yes the template NAME@.service, of which systemd starts an instance per connection
// (the instances hold only their connection, never the listener). Empty when there is none.
std::string service_of_socket_unit(const SocketUnit& unit);

// The socket units that listen on `listener`.
std::vector<const SocketUnit*> socket_units_listening_on(const Listener& listener,
                                                         const std::vector<SocketUnit>& units);

}  // namespace port_owner
