// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "core/ephemeral_ports.hpp"
#include "core/excluded_port_range.hpp"
#include "core/port_occupant.hpp"
#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner {

// What the check needs from the operating system. Ports narrow the listing (empty lists every
// listener of that protocol), so the kernel can filter before anything is copied to us.
struct InventoryQuery {
    bool want_tcp = true;
    bool want_udp = true;
    std::vector<PortRange> tcp_ports;
    std::vector<PortRange> udp_ports;
    // The shortcut the admin may opt into: stop at the first holder of each listener. Another
    // process sharing the socket is then never seen. By default every holder is found.
    bool first_holder_only = false;
    // The ports required rules expect a listener on, whatever the filters above (which are empty
    // when every listener is wanted). Where one of them has no listener, an inventory that can
    // tell why (a port range the system reserves) looks it up: only then, so that the common
    // case costs nothing.
    std::vector<PortRange> expected_tcp_ports;
    std::vector<PortRange> expected_udp_ports;
};

// What the inventory saw, and how it worked where the admin should know it (a fallback listener
// source, a shortcut): the notes end up in the long output.
struct Observation {
    std::vector<ObservedListener> listeners;
    std::vector<std::string> notes;
    // Worth knowing but no reason for doubt (a process even full privilege cannot read): shown
    // with -v.
    std::vector<std::string> details;
    // Reserved ranges holding an expected port that nothing listens on (see InventoryQuery);
    // empty when none, when nothing was looked up, or where the system has no such ranges.
    std::vector<ExcludedPortRange> excluded_port_ranges;
    // Filled by Inventory::find_occupants only: what occupies required ports nobody listens on.
    std::vector<PortOccupant> occupants;
};

// The inventory failed as a whole (no listener source usable): the check is UNKNOWN.
class InventoryError : public std::runtime_error {
  public:
    explicit InventoryError(const std::string& message) : std::runtime_error(message) {}
};

// The one interface each platform implements (linux/ today; see docs/architecture.md).
class Inventory {
  public:
    virtual ~Inventory() = default;

    // Listeners with their holders' identities. Never guesses: a holder that cannot be seen is
    // left out, and the listener says why in attribution_problem and holders_complete.
    virtual Observation observe(const InventoryQuery& query) = 0;

    // Ports the kernel hands out to unbound sockets, and those it keeps back; --learn marks the
    // ones it hands out optional, and the output tells the admin to reserve a service's port
    // that an outgoing connection took.
    virtual EphemeralPorts ephemeral_ports() = 0;

    // For the query's TCP ports (query_for_occupants: required ports that nobody listens on),
    // adds to `observation.occupants` the sockets that occupy them without listening (bound only,
    // or a connection's local end), with their holders found as for listeners and under the same
    // rule: never guessed, the reason said. Called only on that failing path, so a check whose
    // ports are all served pays nothing for it. What could not be looked at goes into the notes.
    // A platform that cannot list such sockets adds nothing: the output then says only "not
    // listening", as it would with no occupant.
    virtual void find_occupants(const InventoryQuery& query, Observation& observation) {
        static_cast<void>(query);
        static_cast<void>(observation);
    }
};

}  // namespace port_owner
