// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner::windows_os {

// A listening socket with the process Windows says owns it: the process that created it (a
// process that later shares its handle is not reported by Windows).
struct OwnedListener {
    Listener socket;
    std::uint32_t owner_pid = 0;
    // When the socket was created (FILETIME: 100 ns since 1601), 0 when Windows did not say.
    // A process with the owner's pid that started later is not the owner: the pid was reused.
    std::uint64_t created = 0;
};

// Listeners from the IP Helper tables: GetExtendedTcpTable (TCP_TABLE_OWNER_MODULE_LISTENER) and
// GetExtendedUdpTable (UDP_TABLE_OWNER_MODULE), IPv4 and IPv6, with the owner pid and the
// socket's creation time (the module itself is never asked for: GetOwnerModuleFromTcpEntry), kept
// when their port is in `ports` (every port when empty). Throws InventoryError when a table cannot
// be read.
std::vector<OwnedListener> list_listeners(Transport transport, const std::vector<PortRange>& ports);

}  // namespace port_owner::windows_os
