// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/excluded_port_range.hpp"
#include "core/rule.hpp"
#include "core/socket_model.hpp"
#include "windows/excluded_port_ranges.hpp"

namespace port_owner::windows_os {

// Who the report names for a range Windows reserves.
inline constexpr const char* reserved_by_windows = "Windows (Hyper-V, WinNAT or Docker Desktop)";

// Pure: the expected ranges (InventoryQuery) with no listener of `transport` on any of their
// ports: the only ones worth asking netsh about.
std::vector<PortRange> ranges_without_listener(const std::vector<PortRange>& expected,
                                               const std::vector<ObservedListener>& listeners,
                                               Transport transport);

// Pure: the reservations among `rows` (of both address families' tables) that hold a port of
// `unserved`, each once. An administrator's exclusions ('*') are left out: they keep ports out
// of the dynamic range, and a program can still bind them, so they explain no failure.
std::vector<ExcludedPortRange> reservations_holding(const std::vector<ExcludedPortRow>& rows,
                                                    Transport transport,
                                                    const std::vector<PortRange>& unserved);

}  // namespace port_owner::windows_os
