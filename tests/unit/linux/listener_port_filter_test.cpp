// SPDX-License-Identifier: GPL-3.0-or-later
// The user-space port filter of both listener sources, against a plain scan of every range.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "linux/listener_port_filter.hpp"

namespace port_owner::linux_os {
namespace {

std::vector<Listener> on_every_port() {
    std::vector<Listener> listeners(65536);
    for (std::size_t port = 0; port < listeners.size(); ++port) {
        listeners[port].port = static_cast<std::uint16_t>(port);
    }
    return listeners;
}

std::vector<std::uint16_t> ports_kept(const std::vector<PortRange>& ranges) {
    auto listeners = on_every_port();
    keep_listeners_on_ports(listeners, ranges);
    std::vector<std::uint16_t> ports;
    for (const auto& listener : listeners) {
        ports.push_back(listener.port);
    }
    return ports;
}

std::vector<std::uint16_t> ports_in(const std::vector<PortRange>& ranges) {
    std::vector<std::uint16_t> ports;
    for (std::uint32_t port = 0; port <= 65535; ++port) {
        if (std::any_of(ranges.begin(), ranges.end(), [&](const PortRange& range) {
                return range.contains(static_cast<std::uint16_t>(port));
            })) {
            ports.push_back(static_cast<std::uint16_t>(port));
        }
    }
    return ports;
}

TEST(ListenerPortFilter, NoRangesKeepsEverything) {
    EXPECT_EQ(ports_kept({}).size(), 65536u);
}

TEST(ListenerPortFilter, KeepsExactlyThePortsInSomeRange) {
    const std::vector<std::vector<PortRange>> cases{
        {{80, 80}},
        {{0, 0}, {65535, 65535}},
        {{443, 443}, {22, 22}, {8000, 8100}},            // unsorted
        {{100, 200}, {150, 160}, {190, 300}, {50, 99}},  // overlapping, nested, adjacent
        {{1, 65535}, {80, 80}},
    };
    for (const auto& ranges : cases) {
        SCOPED_TRACE(ranges.size());
        EXPECT_EQ(ports_kept(ranges), ports_in(ranges));
    }
}

TEST(ListenerPortFilter, ManyRandomRanges) {
    std::mt19937 random(11);  // fixed seed
    std::uniform_int_distribution<int> port(0, 65535);
    std::uniform_int_distribution<int> width(0, 40);
    std::vector<PortRange> ranges;
    for (int i = 0; i < 3000; ++i) {
        const auto low = static_cast<std::uint16_t>(port(random));
        ranges.push_back({low, static_cast<std::uint16_t>(std::min(65535, low + width(random)))});
    }
    EXPECT_EQ(ports_kept(ranges), ports_in(ranges));
}

}  // namespace
}  // namespace port_owner::linux_os
