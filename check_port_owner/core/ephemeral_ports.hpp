// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/rule.hpp"

namespace port_owner {

// The ports the kernel picks from for a socket that connects without binding first (or binds to
// port 0), and those kept back from that choice. A service's port inside the range and not kept
// back can be taken by any outgoing connection while the service is down, which then cannot bind
// it ("Address already in use").
struct EphemeralPorts {
    PortRange range{32768, 60999};  // Linux's default
    std::vector<PortRange> reserved;
    // False when the reserved ports could not be read: then whether a port is kept back is not
    // known, and nothing is said about it.
    bool reserved_known = true;
    // Where the admin keeps a port back on this platform (Linux: net.ipv4.ip_local_reserved_ports),
    // for the hint in the output; empty when there is no such setting.
    std::string reserve_setting;

    bool is_reserved(std::uint16_t port) const;
    // In the range and not reserved: the kernel may hand it to an outgoing connection. When the
    // reserved ports are unknown, every port of the range counts.
    bool hands_out(std::uint16_t port) const;
};

}  // namespace port_owner
