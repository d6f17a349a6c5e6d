// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/rule.hpp"
#include "inventory/inventory.hpp"

namespace port_owner {

// Which listeners the check needs: those on the rules' ports, or every one (for --learn, -v and
// the unlisted count).
enum class ListenerScope { rule_ports, every_listener };

// Whether the holder scan may stop at the first process found for a socket (--first-holder).
enum class HolderSearch { every_holder, first_holder };

// The narrowest inventory question that still answers every rule: only the protocols the rules
// name, only their ports. With ListenerScope::every_listener no port filter is applied.
InventoryQuery query_for_rules(const std::vector<Rule>& rules, ListenerScope scope,
                               HolderSearch holder_search);

// The ports whose occupants are worth naming: those of required TCP rules that no listener covers
// (nor may cover), merged. Empty (want_tcp false) when every required port is served. UDP is
// never asked: a bound UDP socket is a listener here, so a UDP port nobody listens on is free.
InventoryQuery query_for_occupants(const std::vector<Rule>& rules,
                                   const std::vector<ObservedListener>& listeners,
                                   HolderSearch holder_search);

}  // namespace port_owner
