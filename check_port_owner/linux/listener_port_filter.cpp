// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/listener_port_filter.hpp"

#include <algorithm>

namespace port_owner::linux_os {

void keep_listeners_on_ports(std::vector<Listener>& listeners,
                             const std::vector<PortRange>& ranges) {
    if (ranges.empty()) {
        return;
    }
    auto sorted = ranges;
    std::sort(sorted.begin(), sorted.end(),
              [](const PortRange& a, const PortRange& b) { return a.low < b.low; });
    // The ranges may overlap; after each range, the highest port covered so far lets one binary
    // search answer: the last range starting at or below the port covers it, or none does.
    std::vector<std::uint16_t> covered_up_to(sorted.size());
    std::uint16_t highest = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        highest = std::max(highest, sorted[i].high);
        covered_up_to[i] = highest;
    }
    std::erase_if(listeners, [&](const Listener& listener) {
        const auto after = std::upper_bound(
            sorted.begin(), sorted.end(), listener.port,
            [](std::uint16_t port, const PortRange& range) { return port < range.low; });
        if (after == sorted.begin()) {
            return true;
        }
        return covered_up_to[static_cast<std::size_t>(after - sorted.begin()) - 1] < listener.port;
    });
}

}  // namespace port_owner::linux_os
