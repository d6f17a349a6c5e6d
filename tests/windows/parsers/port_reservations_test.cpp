// SPDX-License-Identifier: GPL-3.0-or-later
// Which required ports nobody listens on are worth asking netsh about, and which of the ranges it
// lists explain them.

#include <gtest/gtest.h>

#include <vector>

#include "fixtures.hpp"
#include "windows/port_reservations.hpp"

namespace port_owner::windows_os {
namespace {

using namespace test_support;

TEST(PortReservations, OnlyRangesWithoutAListenerOfTheirProtocol) {
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 80)), observed(udp("0.0.0.0", 50000)), observed(tcp("::1", 8050))};
    const std::vector<PortRange> expected{{80, 80}, {443, 443}, {8000, 8100}, {50000, 50000}};
    EXPECT_EQ(ranges_without_listener(expected, listeners, Transport::tcp),
              (std::vector<PortRange>{{443, 443}, {50000, 50000}}));
    EXPECT_EQ(ranges_without_listener(expected, listeners, Transport::udp),
              (std::vector<PortRange>{{80, 80}, {443, 443}, {8000, 8100}}));
    EXPECT_TRUE(ranges_without_listener({}, listeners, Transport::tcp).empty());
}

TEST(PortReservations, TheReservationsHoldingAnUnservedPortEachOnce) {
    // Both families' tables: Windows keeps one list per protocol, so they repeat each other.
    const std::vector<ExcludedPortRow> rows{{{49971, 50070}, false}, {{5357, 5357}, false},
                                            {{50000, 50059}, true},  {{49971, 50070}, false},
                                            {{8090, 8189}, false},   {{1, 100}, false}};
    const auto reserved =
        reservations_holding(rows, Transport::tcp, {{443, 443}, {8000, 8100}, {50000, 50000}});
    EXPECT_EQ(reserved, (std::vector<ExcludedPortRange>{
                            {Transport::tcp, {49971, 50070}, reserved_by_windows},
                            {Transport::tcp, {8090, 8189}, reserved_by_windows}}));
}

TEST(PortReservations, AnAdministratorsExclusionExplainsNothing) {
    // It keeps the port out of the dynamic range; the program it is meant for can bind it.
    EXPECT_TRUE(
        reservations_holding({{{50000, 50059}, true}}, Transport::udp, {{50000, 50000}}).empty());
    EXPECT_TRUE(reservations_holding({{{1, 65535}, false}}, Transport::udp, {}).empty());
}

}  // namespace
}  // namespace port_owner::windows_os
