// SPDX-License-Identifier: GPL-3.0-or-later
#include "inventory/query_for_rules.hpp"

#include <algorithm>

namespace port_owner {
namespace {

// Sorted, with overlapping and adjacent ranges merged, so the kernel filter stays short.
std::vector<PortRange> merged(std::vector<PortRange> ranges) {
    std::sort(ranges.begin(), ranges.end());
    std::vector<PortRange> result;
    for (const auto& range : ranges) {
        if (!result.empty() && range.low <= result.back().high + 1u) {
            result.back().high = std::max(result.back().high, range.high);
        } else {
            result.push_back(range);
        }
    }
    return result;
}

}  // namespace

InventoryQuery query_for_rules(const std::vector<Rule>& rules, ListenerScope scope,
                               HolderSearch holder_search) {
    InventoryQuery query;
    query.first_holder_only = holder_search == HolderSearch::first_holder;
    for (const auto& rule : rules) {
        if (rule.required) {
            (rule.spec.transport == Transport::tcp ? query.expected_tcp_ports
                                                   : query.expected_udp_ports)
                .push_back(rule.spec.ports);
        }
    }
    query.expected_tcp_ports = merged(std::move(query.expected_tcp_ports));
    query.expected_udp_ports = merged(std::move(query.expected_udp_ports));
    if (scope == ListenerScope::every_listener) {
        return query;
    }
    query.want_tcp = false;
    query.want_udp = false;
    for (const auto& rule : rules) {
        if (rule.spec.transport == Transport::tcp) {
            query.want_tcp = true;
            query.tcp_ports.push_back(rule.spec.ports);
        } else {
            query.want_udp = true;
            query.udp_ports.push_back(rule.spec.ports);
        }
    }
    query.tcp_ports = merged(std::move(query.tcp_ports));
    query.udp_ports = merged(std::move(query.udp_ports));
    return query;
}

InventoryQuery query_for_occupants(const std::vector<Rule>& rules,
                                   const std::vector<ObservedListener>& listeners,
                                   HolderSearch holder_search) {
    InventoryQuery query;
    query.first_holder_only = holder_search == HolderSearch::first_holder;
    query.want_tcp = false;
    query.want_udp = false;
    for (const auto& rule : rules) {
        if (!rule.required || rule.spec.transport != Transport::tcp) {
            continue;
        }
        const bool heard =
            std::any_of(listeners.begin(), listeners.end(), [&](const auto& listener) {
                return rule.spec.coverage(listener.socket) != PortSpec::Coverage::none;
            });
        if (!heard) {
            query.want_tcp = true;
            query.tcp_ports.push_back(rule.spec.ports);
        }
    }
    query.tcp_ports = merged(std::move(query.tcp_ports));
    return query;
}

}  // namespace port_owner
