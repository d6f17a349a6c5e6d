// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// Keeps the listeners whose port lies in one of `ranges` (all when `ranges` is empty): the
// filtering in user space that /proc/net always needs, and netlink when the kernel-side filter
// would be too large. O(log ranges) per listener, so ten thousand rules cost nothing.
void keep_listeners_on_ports(std::vector<Listener>& listeners,
                             const std::vector<PortRange>& ranges);

}  // namespace port_owner::linux_os
