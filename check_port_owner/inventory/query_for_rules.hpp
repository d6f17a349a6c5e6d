// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/rule.hpp"
#include "inventory/inventory.hpp"

namespace port_owner {

// The narrowest inventory question that still answers every rule: only the protocols the rules
// name, only their ports. With `every_listener` (for --learn and the unlisted count) no port
// filter is applied.
InventoryQuery query_for_rules(const std::vector<Rule>& rules, bool every_listener,
                               bool first_holder_only);

}  // namespace port_owner
