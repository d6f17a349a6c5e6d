// SPDX-License-Identifier: GPL-3.0-or-later
// The inventory question derived from the rules: only the protocols and ports they name.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/rule.hpp"
#include "fixtures.hpp"
#include "inventory/query_for_rules.hpp"

namespace port_owner {
namespace {

std::vector<Rule> rules_of(const std::vector<std::string>& texts) {
    std::vector<Rule> rules;
    for (const auto& text : texts) {
        rules.push_back(parse_rule_argument(text));
    }
    return rules;
}

TEST(QueryForRules, NoRulesAsksForNothing) {
    const auto query = query_for_rules({}, ListenerScope::rule_ports, HolderSearch::every_holder);
    EXPECT_FALSE(query.want_tcp);
    EXPECT_FALSE(query.want_udp);
    EXPECT_TRUE(query.tcp_ports.empty());
    EXPECT_TRUE(query.udp_ports.empty());
}

TEST(QueryForRules, EveryListenerMeansNoFilter) {
    for (const auto holder_search : {HolderSearch::every_holder, HolderSearch::first_holder}) {
        const auto query = query_for_rules(rules_of({"80", "udp/53"}),
                                           ListenerScope::every_listener, holder_search);
        EXPECT_TRUE(query.want_tcp);
        EXPECT_TRUE(query.want_udp);
        EXPECT_TRUE(query.tcp_ports.empty());
        EXPECT_TRUE(query.udp_ports.empty());
        EXPECT_EQ(query.first_holder_only, holder_search == HolderSearch::first_holder);
    }
}

TEST(QueryForRules, OnlyTheProtocolsNamed) {
    const auto tcp_only = query_for_rules(rules_of({"80", "tcp6/443"}), ListenerScope::rule_ports,
                                          HolderSearch::every_holder);
    EXPECT_TRUE(tcp_only.want_tcp);
    EXPECT_FALSE(tcp_only.want_udp);
    const auto udp_only = query_for_rules(rules_of({"udp/53"}), ListenerScope::rule_ports,
                                          HolderSearch::first_holder);
    EXPECT_FALSE(udp_only.want_tcp);
    EXPECT_TRUE(udp_only.want_udp);
    EXPECT_TRUE(udp_only.first_holder_only);
}

struct Case {
    std::vector<std::string> rules;
    std::vector<PortRange> tcp;
    std::vector<PortRange> udp;
};

TEST(QueryForRules, PortsSortedAndMerged) {
    const Case cases[] = {
        {{"443", "80", "udp/53"}, {{80, 80}, {443, 443}}, {{53, 53}}},
        {{"80", "80", "tcp4/80", "tcp/127.0.0.1:80"}, {{80, 80}}, {}},
        {{"8000-8080", "8080-8090", "8091", "22", "80"}, {{22, 22}, {80, 80}, {8000, 8091}}, {}},
        {{"10-20", "12-15"}, {{10, 20}}, {}},
        {{"10-20", "22"}, {{10, 20}, {22, 22}}, {}},
        {{"65535", "65534"}, {{65534, 65535}}, {}},
        {{"1-65535", "80"}, {{1, 65535}}, {}},
        {{"tcp4/127.0.0.1:80", "tcp6/[::1]:81"}, {{80, 81}}, {}},
        {{"udp/53", "tcp/53", "udp/5353-5354", "udp/5355"}, {{53, 53}}, {{53, 53}, {5353, 5355}}},
    };
    for (const auto& c : cases) {
        std::string trace;
        for (const auto& rule : c.rules) {
            trace += rule + " ";
        }
        SCOPED_TRACE(trace);
        const auto rules = rules_of(c.rules);
        const auto query =
            query_for_rules(rules, ListenerScope::rule_ports, HolderSearch::every_holder);
        EXPECT_EQ(query.tcp_ports, c.tcp);
        EXPECT_EQ(query.udp_ports, c.udp);
        // Every port of every rule is asked for.
        for (const auto& rule : rules) {
            const auto& asked =
                rule.spec.transport == Transport::tcp ? query.tcp_ports : query.udp_ports;
            for (const auto port : {rule.spec.ports.low, rule.spec.ports.high}) {
                EXPECT_TRUE(std::any_of(asked.begin(), asked.end(), [&](const auto& range) {
                    return range.contains(port);
                })) << rule.label();
            }
        }
    }
}

TEST(QueryForRules, ExpectedPortsAreTheRequiredRulesWhateverTheScope) {
    auto rules = rules_of({"443", "80", "udp/53", "8000-8080", "8070-8090", "9000"});
    rules.back().required = false;  // `required = no`: nobody need listen there
    for (const auto scope : {ListenerScope::rule_ports, ListenerScope::every_listener}) {
        const auto query = query_for_rules(rules, scope, HolderSearch::every_holder);
        EXPECT_EQ(query.expected_tcp_ports,
                  (std::vector<PortRange>{{80, 80}, {443, 443}, {8000, 8090}}));
        EXPECT_EQ(query.expected_udp_ports, (std::vector<PortRange>{{53, 53}}));
    }
    const auto none =
        query_for_rules({}, ListenerScope::every_listener, HolderSearch::every_holder);
    EXPECT_TRUE(none.expected_tcp_ports.empty());
    EXPECT_TRUE(none.expected_udp_ports.empty());
}

// What occupies a port is asked only for required TCP rules that nothing listens on.
TEST(QueryForOccupants, OnlyRequiredTcpPortsWithoutListener) {
    using test_support::observed;
    using test_support::tcp;
    auto rules = rules_of({"80", "tcp/127.0.0.1:8080", "8000-8009", "443", "udp/53", "9000"});
    rules.back().required = false;
    const std::vector<ObservedListener> listeners{observed(tcp("0.0.0.0", 80)),
                                                  observed(tcp("10.0.0.1", 8080)),
                                                  observed(tcp("10.0.0.1", 8005))};
    const auto query = query_for_occupants(rules, listeners, HolderSearch::first_holder);
    EXPECT_TRUE(query.want_tcp);
    EXPECT_FALSE(query.want_udp);
    EXPECT_TRUE(query.first_holder_only);
    // 80 and 8000-8009 are served; 127.0.0.1:8080 is not (10.0.0.1 is another address); 53 is
    // UDP; 9000 is not required.
    EXPECT_EQ(query.tcp_ports, (std::vector<PortRange>{{443, 443}, {8080, 8080}}));
}

TEST(QueryForOccupants, NothingToAskWhenEveryRequiredPortIsServed) {
    using test_support::observed;
    using test_support::tcp;
    const auto query = query_for_occupants(rules_of({"80"}), {observed(tcp("::", 80))},
                                           HolderSearch::every_holder);
    EXPECT_FALSE(query.want_tcp);
    EXPECT_TRUE(query.tcp_ports.empty());
}

}  // namespace
}  // namespace port_owner
