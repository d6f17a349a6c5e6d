// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/excluded_port_range.hpp"

namespace port_owner {

std::vector<const ExcludedPortRange*> excluded_ranges_overlapping(
    const std::vector<ExcludedPortRange>& ranges, Transport transport, PortRange ports) {
    std::vector<const ExcludedPortRange*> overlapping;
    for (const auto& range : ranges) {
        if (range.transport == transport && range.ports.low <= ports.high &&
            ports.low <= range.ports.high) {
            overlapping.push_back(&range);
        }
    }
    return overlapping;
}

}  // namespace port_owner
