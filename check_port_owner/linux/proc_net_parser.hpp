// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// What an IPv6 socket is when its program does not set IPV6_V6ONLY: net.ipv6.bindv6only 0 makes it
// dual-stack (it also takes IPv4 through mapped addresses), 1 makes it IPv6 only.
enum class Ipv6SocketDefault { dual_stack, ipv6_only };

// Parses one line of /proc/net/{tcp,tcp6,udp,udp6}. Returns the socket when the line is a
// listener (TCP state 0A LISTEN; UDP in any state, since a connected UDP socket holds its port as
// much as an unconnected one), nullopt for other TCP states, the header line and malformed
// lines. /proc/net cannot tell IPV6_V6ONLY; `socket_default` (the net.ipv6.bindv6only sysctl) is
// what a socket gets when its program does not set it.
std::optional<Listener> parse_proc_net_line(std::string_view line, Transport transport,
                                            Family family, Ipv6SocketDefault socket_default);

// All listeners of a whole /proc/net file.
std::vector<Listener> parse_proc_net_table(std::string_view text, Transport transport,
                                           Family family, Ipv6SocketDefault socket_default);

}  // namespace port_owner::linux_os
