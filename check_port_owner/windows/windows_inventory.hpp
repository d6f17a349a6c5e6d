// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "inventory/inventory.hpp"

namespace port_owner::windows_os {

// Listeners from the IP Helper tables, each with the one process Windows names as its owner.
class WindowsInventory : public Inventory {
  public:
    Observation observe(const InventoryQuery& query) override;
    EphemeralPorts ephemeral_ports() override;
};

}  // namespace port_owner::windows_os
