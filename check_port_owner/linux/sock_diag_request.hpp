#pragma once

#include <cstdint>
#include <vector>

#include "core/ip_address.hpp"
#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// The inet_diag bytecode that keeps only sockets whose local port lies in one of `ranges`, so the
// kernel drops everything else before copying it to us. Empty `ranges` gives an empty program.
std::vector<std::uint8_t> build_port_filter(const std::vector<PortRange>& ranges);

// A complete SOCK_DIAG_BY_FAMILY dump request (nlmsghdr + inet_diag_req_v2 [+ bytecode]) for
// listening TCP (state LISTEN) or bound UDP (every state: connected or not) of one address
// family.
std::vector<std::uint8_t> build_listener_dump_request(Transport transport, Family family,
                                                      const std::vector<PortRange>& ranges,
                                                      std::uint32_t sequence);

}  // namespace port_owner::linux_os
