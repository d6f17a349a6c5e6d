// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>

#include "inventory/inventory.hpp"
#include "linux/container_names.hpp"
#include "linux/listener_source.hpp"
#include "linux/sock_diag_source.hpp"
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
    EphemeralPorts ephemeral_ports() override;
    void find_occupants(const InventoryQuery& query, Observation& observation) override;

  private:
    // Lists one protocol's listeners; a fallback to /proc/net is added to `notes`.
    std::vector<Listener> list_listeners(Transport transport, const std::vector<PortRange>& ports,
                                         std::vector<std::string>& notes);

    // The sockets with the holders found for them, in the same order, and what is worth saying
    // about the scan without putting the holders in doubt.
    struct Attributed {
        std::vector<ObservedListener> sockets;
        std::string caveat;
    };
    // Finds every socket's holders (user names filled in), and says for each socket why holders
    // may be missing: one walk of /proc with the scan capabilities raised.
    Attributed attribute_holders(std::vector<Listener>& sockets, bool first_holder_only);

    ListenerSourceChoice choice_;
    std::unique_ptr<SockDiagSource> netlink_;
    std::unique_ptr<ListenerSource> proc_net_;
    UserNames user_names_;
    ContainerNames container_names_;
};

}  // namespace port_owner::linux_os
