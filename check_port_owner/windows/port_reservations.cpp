// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/port_reservations.hpp"

#include <algorithm>

namespace port_owner::windows_os {
namespace {

bool overlap(PortRange a, PortRange b) {
    return a.low <= b.high && b.low <= a.high;
}

}  // namespace

std::vector<PortRange> ranges_without_listener(const std::vector<PortRange>& expected,
                                               const std::vector<ObservedListener>& listeners,
                                               Transport transport) {
    std::vector<PortRange> unserved;
    for (const auto& range : expected) {
        const bool served =
            std::any_of(listeners.begin(), listeners.end(), [&](const ObservedListener& listener) {
                return listener.socket.transport == transport &&
                       range.contains(listener.socket.port);
            });
        if (!served) {
            unserved.push_back(range);
        }
    }
    return unserved;
}

std::vector<ExcludedPortRange> reservations_holding(const std::vector<ExcludedPortRow>& rows,
                                                    Transport transport,
                                                    const std::vector<PortRange>& unserved) {
    std::vector<ExcludedPortRange> reservations;
    for (const auto& row : rows) {
        if (row.administered ||
            !std::any_of(unserved.begin(), unserved.end(),
                         [&](const PortRange& range) { return overlap(range, row.ports); })) {
            continue;
        }
        ExcludedPortRange reservation{transport, row.ports, reserved_by_windows};
        if (std::find(reservations.begin(), reservations.end(), reservation) ==
            reservations.end()) {
            reservations.push_back(std::move(reservation));
        }
    }
    return reservations;
}

}  // namespace port_owner::windows_os
