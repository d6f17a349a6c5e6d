// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ephemeral_ports.hpp"

#include <algorithm>

namespace port_owner {

bool EphemeralPorts::is_reserved(std::uint16_t port) const {
    return std::any_of(reserved.begin(), reserved.end(),
                       [&](const PortRange& kept) { return kept.contains(port); });
}

bool EphemeralPorts::hands_out(std::uint16_t port) const {
    return range.contains(port) && !is_reserved(port);
}

}  // namespace port_owner
