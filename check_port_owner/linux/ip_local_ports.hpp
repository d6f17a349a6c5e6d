// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/rule.hpp"

namespace port_owner::linux_os {

// Pure parsers of the two sysctls that say which ports the kernel hands out to sockets that do
// not bind one themselves (/proc/sys/net/ipv4/, per network namespace). Each refuses anything but
// the kernel's own format (nullopt), so a misread never turns into a hint.

// ip_local_port_range: `LOW<tab>HIGH\n`, LOW <= HIGH <= 65535.
std::optional<PortRange> parse_local_port_range(std::string_view text);

// ip_local_reserved_ports: comma-separated ports and LOW-HIGH ranges (`8080,9000-9010\n`), or an
// empty line for none.
std::optional<std::vector<PortRange>> parse_reserved_ports(std::string_view text);

}  // namespace port_owner::linux_os
