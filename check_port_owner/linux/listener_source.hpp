// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// A source could not list sockets (netlink refused, a /proc/net file unreadable). The inventory
// may fall back to the other source; when none works the check is UNKNOWN.
class ListenerSourceError : public std::runtime_error {
  public:
    explicit ListenerSourceError(const std::string& message) : std::runtime_error(message) {}
};

// Lists the listening sockets of one protocol and family in this network namespace, keeping
// only those whose port is in `ports` (all when empty).
class ListenerSource {
  public:
    virtual ~ListenerSource() = default;
    virtual std::vector<Listener> list(Transport transport, Family family,
                                       const std::vector<PortRange>& ports) = 0;
};

}  // namespace port_owner::linux_os
