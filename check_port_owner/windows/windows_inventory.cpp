// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/windows_inventory.hpp"

#include "windows/process_directory.hpp"
#include "windows/process_identity_reader.hpp"
#include "windows/socket_tables.hpp"

namespace port_owner::windows_os {
namespace {

// Windows reports one process per socket: the one that created it. A process that shares the
// handle (inherited, or duplicated with WSADuplicateSocket) is never listed, and no source on
// Windows lists it; the long output says so, so that "every holder" is not read into a Windows
// answer.
constexpr const char* one_owner_note =
    "Windows names one process per socket, the one that created it: a process sharing its handle "
    "is not seen";

}  // namespace

Observation WindowsInventory::observe(const InventoryQuery& query) {
    std::vector<OwnedListener> owned;
    if (query.want_tcp) {
        owned = list_listeners(Transport::tcp, query.tcp_ports);
    }
    if (query.want_udp) {
        auto udp = list_listeners(Transport::udp, query.udp_ports);
        owned.insert(owned.end(), std::make_move_iterator(udp.begin()),
                     std::make_move_iterator(udp.end()));
    }
    // After the tables, so that every owner is in the snapshot unless it has exited since.
    const auto directory = ProcessDirectory::read();
    ProcessIdentityReader reader(directory);
    Observation observation;
    for (auto& listener : owned) {
        ObservedListener observed;
        observed.socket = std::move(listener.socket);
        auto holder = reader.read(listener.owner_pid);
        if (holder.identity) {
            observed.holders.push_back(std::move(*holder.identity));
        } else {
            observed.holders_complete = false;
            observed.attribution_problem = std::move(holder.problem);
        }
        observation.listeners.push_back(std::move(observed));
    }
    if (!directory.services_known()) {
        observation.notes.push_back(
            "the service control manager could not be asked which services run where: "
            "service: entries cannot match");
    }
    observation.details.push_back(one_owner_note);
    return observation;
}

EphemeralPorts WindowsInventory::ephemeral_ports() {
    // Windows' default dynamic range since Vista (netsh int ipv4 show dynamicport tcp); a host
    // that changed it is told by --learn's comments, not by an API. Excluded port ranges are not
    // read, so whether a port is kept back is not known.
    EphemeralPorts ports;
    ports.range = PortRange{49152, 65535};
    ports.reserved_known = false;
    return ports;
}

}  // namespace port_owner::windows_os
