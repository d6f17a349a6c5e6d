// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>

#include "inventory/inventory.hpp"
#include "linux/listener_source.hpp"
#include "linux/user_names.hpp"

namespace port_owner::linux_os {

// Which kernel interface lists the listeners. `automatic` uses netlink sock_diag and falls back
// to /proc/net per protocol when netlink refuses (e.g. udp_diag not loadable).
enum class ListenerSourceChoice { automatic, netlink, proc };

class LinuxInventory : public Inventory {
  public:
    explicit LinuxInventory(ListenerSourceChoice choice);
    ~LinuxInventory() override;

    Observation observe(const InventoryQuery& query) override;
    PortRange ephemeral_ports() override;

  private:
    // Lists one protocol's listeners; a fallback to /proc/net is added to `notes`.
    std::vector<Listener> list_listeners(Transport transport, const std::vector<PortRange>& ports,
                                         std::vector<std::string>& notes);

    ListenerSourceChoice choice_;
    std::unique_ptr<ListenerSource> netlink_;
    std::unique_ptr<ListenerSource> proc_net_;
    UserNames user_names_;
};

}  // namespace port_owner::linux_os
