// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

struct ReplyProgress {
    bool done = false;       // NLMSG_DONE seen: the dump is complete
    int error = 0;           // errno from an NLMSG_ERROR, 0 when none
    bool malformed = false;  // bytes that are no whole message: the dump cannot be trusted
};

// Parses one datagram of a SOCK_DIAG_BY_FAMILY dump reply and appends the sockets it describes.
// Never reads past the end of `datagram`; at a message whose length does not fit (a truncated
// datagram, say) the walk stops and the progress says `malformed`. Socket user names are not
// filled in here (they need an OS lookup).
ReplyProgress parse_sock_diag_datagram(std::span<const std::uint8_t> datagram, Transport transport,
                                       std::uint32_t sequence, std::vector<Listener>& listeners);

// A socket of a dump with what the listener form leaves out: its state and the other end.
struct DiagSocket {
    Listener local;
    std::uint8_t state = 0;  // the kernel's TCP state number (TCP_ESTABLISHED...)
    IpAddress remote_address;
    std::uint16_t remote_port = 0;
};

// The same walk, keeping every socket's state and other end (for occupants of a port).
ReplyProgress parse_sock_diag_datagram(std::span<const std::uint8_t> datagram, Transport transport,
                                       std::uint32_t sequence, std::vector<DiagSocket>& sockets);

}  // namespace port_owner::linux_os
