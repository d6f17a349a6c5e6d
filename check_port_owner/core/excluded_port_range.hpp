// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner {

// Ports the operating system keeps from programs although nothing listens on them: on Windows,
// the ranges Hyper-V, WinNAT or Docker Desktop reserve (`netsh int ipv4 show excludedportrange`),
// where a bind fails with "access denied". A required port in such a range is "in use" with no
// listener to blame, so the report says so beside "not listening". Platforms without such
// reservations (Linux) never report any.
struct ExcludedPortRange {
    Transport transport = Transport::tcp;
    PortRange ports;
    // Who keeps the range, for the report: "Windows (Hyper-V, WinNAT or Docker Desktop)".
    std::string reserved_by;

    bool operator==(const ExcludedPortRange&) const = default;
};

// The ranges of `transport` that share at least one port with `ports`, in the order given.
std::vector<const ExcludedPortRange*> excluded_ranges_overlapping(
    const std::vector<ExcludedPortRange>& ranges, Transport transport, PortRange ports);

}  // namespace port_owner
