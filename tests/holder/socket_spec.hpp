// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace port_holder {

enum class Transport { tcp, udp };

// One socket the holder must open, as written on the command line:
//   PROTO/ADDR:PORT[,OPTION]...
// PROTO is tcp4, tcp6, udp4 or udp6; an IPv6 ADDR is written in brackets ([::], [::1],
// [::ffff:127.0.0.1]); OPTION is `reuseport`, `reuseaddr`, `v6only=on` or `v6only=off` (v6
// sockets only), `connect=ADDR:PORT` (ADDR of the socket's own family, IPv6 in brackets), or
// `nolisten` (TCP only).
struct SocketSpec {
    Transport transport = Transport::tcp;
    sockaddr_storage address{};  // a sockaddr_in or sockaddr_in6, port included
    socklen_t address_length = 0;
    // Unset means the kernel default (net.ipv6.bindv6only) applies.
    std::optional<bool> v6only;
    bool reuseport = false;
    // SO_REUSEADDR. TCP sockets always get it; for UDP it lets several sockets bind one port.
    bool reuseaddr = false;
    // After bind, connect() to this peer. UDP: the kernel then delivers the peer's datagrams to
    // this socket ahead of an unconnected one bound to the same port. TCP: instead of listening,
    // a connection whose local port is the bound one.
    std::optional<sockaddr_storage> peer;
    // TCP only: bound, neither listening nor connected.
    bool no_listen = false;
    std::string text;  // as written, so that error messages quote the user's words

    int family() const { return address.ss_family; }
};

// Throws std::invalid_argument naming what is wrong with `text`.
SocketSpec parse_socket_spec(std::string_view text);

}  // namespace port_holder
