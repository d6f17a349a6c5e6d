// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/allow_entry.hpp"
#include "core/ip_address.hpp"
#include "core/socket_model.hpp"
#include "core/state.hpp"

namespace port_owner {

// An inclusive port range; a single port has low == high.
struct PortRange {
    std::uint16_t low = 0;
    std::uint16_t high = 0;
    bool contains(std::uint16_t port) const { return port >= low && port <= high; }
    auto operator<=>(const PortRange&) const = default;
};

// What a rule is about: the protocol, optional family and address, and the ports
// (the part of a rule before `=`, and the section name in the allow-list file).
struct PortSpec {
    Transport transport = Transport::tcp;
    std::optional<Family> family;  // nullopt: IPv4 and IPv6
    std::optional<IpAddress> address;
    PortRange ports;

    // Parses `[tcp|udp|tcp4|tcp6|udp4|udp6/][ADDR:]PORT[-PORT]`; throws InputError.
    static PortSpec parse(std::string_view text);

    // Canonical text: `tcp/80`, `udp4/53`, `udp/127.0.0.1:53`, `tcp/[::1]:8000-8080` (an address
    // already says its family, so the family digit is only written without one).
    std::string label() const;

    // Whether a listener takes traffic this spec names:
    // - a wildcard listener covers a spec for a specific address on its port, and a dual-stack
    //   IPv6 wildcard covers IPv4 specs;
    // - a spec for a wildcard address is covered by every listener on its port in its family,
    //   specific addresses included (a 127.0.0.1 SO_REUSEPORT joiner takes every local
    //   connection), and a `[::]` spec by IPv4 listeners too (they take its IPv4 traffic);
    // - `uncertain` when the answer rests on a v6only flag the source could not see.
    enum class Coverage { none, covered, uncertain };
    Coverage coverage(const Listener& listener) const;
    bool covers(const Listener& listener) const { return coverage(listener) == Coverage::covered; }
};

// Per-rule states; unset fields take the defaults from the file or the command line.
struct StateOverrides {
    std::optional<State> missing;
    std::optional<State> unexpected;
    std::optional<State> unattributed;
};

struct Rule {
    PortSpec spec;
    // Alternatives: a holder is allowed when any entry matches. Empty means any holder will do.
    std::vector<AllowEntry> allow;
    bool required = true;
    StateOverrides states;
    // Where the rule came from, for messages: `-p 80=nginx` or `/etc/x.ini:12`.
    std::string origin;

    std::string label() const { return spec.label(); }
    // The allow entries as the admin wrote them, joined by ", ".
    std::string allowed_text() const;
};

// Parses a -p argument: `SPEC[=ALLOW[,ALLOW...]]`; throws InputError. A `cmdline:` condition
// takes the rest of the argument, commas included, so it belongs to the last entry.
Rule parse_rule_argument(std::string_view text);

}  // namespace port_owner
