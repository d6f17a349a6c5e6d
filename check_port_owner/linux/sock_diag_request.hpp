// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/ip_address.hpp"
#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// The most port ranges one kernel-side filter holds. The kernel takes the bytecode in a netlink
// attribute, whose 16-bit length caps it below 64 KiB (3276 ranges of 20 bytes), and its audit
// (inet_diag_bc_audit) walks the program once per jump, a cost quadratic in its length; 1024
// ranges (20 KiB) stay far inside both. More rules than that on scattered ports are unusual, and
// then the whole table is dumped and filtered here, which costs little: the kernel lists only
// listening TCP sockets, and UDP sockets are few.
constexpr std::size_t max_kernel_filter_ranges = 1024;

// The inet_diag bytecode that keeps only sockets whose local port lies in one of `ranges`, so the
// kernel drops everything else before copying it to us. Empty `ranges`, or more than
// max_kernel_filter_ranges, give an empty program: no filter, every socket is listed.
std::vector<std::uint8_t> build_port_filter(const std::vector<PortRange>& ranges);

// A complete SOCK_DIAG_BY_FAMILY dump request (nlmsghdr + inet_diag_req_v2 [+ bytecode]) for
// listening TCP (state LISTEN) or bound UDP (every state: connected or not) of one address
// family.
std::vector<std::uint8_t> build_listener_dump_request(Transport transport, Family family,
                                                      const std::vector<PortRange>& ranges,
                                                      std::uint32_t sequence);

// TCP_BOUND_INACTIVE (Linux 6.7): the state bit that asks for sockets bound to a port without
// listening or connecting. Newer than the kernel headers this builds against.
constexpr unsigned tcp_bound_inactive = 13;

// The dump request for the sockets that occupy TCP ports without listening on them: every state
// but LISTEN (connections, TIME-WAIT included), and sockets bound only (from Linux 6.7; earlier
// kernels cannot list them at all).
std::vector<std::uint8_t> build_occupant_dump_request(Family family,
                                                      const std::vector<PortRange>& ranges,
                                                      std::uint32_t sequence);

}  // namespace port_owner::linux_os
