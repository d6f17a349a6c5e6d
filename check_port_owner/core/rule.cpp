// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/rule.hpp"

#include <charconv>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "core/text_trim.hpp"
#include "core/whole_number.hpp"

namespace port_owner {
namespace {

struct ProtocolPrefix {
    std::string_view name;
    Transport transport;
    std::optional<Family> family;
};

constexpr ProtocolPrefix protocol_prefixes[] = {
    {"tcp", Transport::tcp, std::nullopt},  {"udp", Transport::udp, std::nullopt},
    {"tcp4", Transport::tcp, Family::ipv4}, {"tcp6", Transport::tcp, Family::ipv6},
    {"udp4", Transport::udp, Family::ipv4}, {"udp6", Transport::udp, Family::ipv6},
};

std::uint16_t parse_port(std::string_view text, std::string_view whole) {
    const auto value = parse_whole_number<unsigned>(text);
    if (!value) {
        throw InputError(fmt::format("invalid port '{}' in '{}': not a number", text, whole));
    }
    if (*value < 1 || *value > 65535) {
        throw InputError(fmt::format("invalid port '{}' in '{}': must be 1-65535", text, whole));
    }
    return static_cast<std::uint16_t>(*value);
}

PortRange parse_port_range(std::string_view text, std::string_view whole) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
        const auto port = parse_port(text, whole);
        return {port, port};
    }
    const PortRange range{parse_port(text.substr(0, dash), whole),
                          parse_port(text.substr(dash + 1), whole)};
    if (range.low > range.high) {
        throw InputError(
            fmt::format("invalid port range '{}' in '{}': start is above end", text, whole));
    }
    return range;
}

}  // namespace

PortSpec PortSpec::parse(std::string_view text) {
    PortSpec spec;
    std::string_view rest = text;
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        const auto protocol = rest.substr(0, slash);
        bool known = false;
        for (const auto& prefix : protocol_prefixes) {
            if (protocol == prefix.name) {
                spec.transport = prefix.transport;
                spec.family = prefix.family;
                known = true;
            }
        }
        if (!known) {
            throw InputError(
                fmt::format("invalid protocol '{}' in '{}': use tcp, udp, tcp4, tcp6, udp4 or udp6",
                            protocol, text));
        }
        rest = rest.substr(slash + 1);
    }
    if (rest.empty()) {
        throw InputError(fmt::format("invalid port spec '{}': no port", text));
    }
    std::string_view address_text;
    bool has_address = false;
    if (rest.starts_with('[')) {
        const auto close = rest.find(']');
        if (close == std::string_view::npos || rest.substr(close + 1, 1) != ":") {
            throw InputError(
                fmt::format("invalid port spec '{}': write IPv6 as [ADDRESS]:PORT", text));
        }
        address_text = rest.substr(1, close - 1);
        rest = rest.substr(close + 2);
        has_address = true;
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        address_text = rest.substr(0, colon);
        if (address_text.find(':') != std::string_view::npos) {
            throw InputError(
                fmt::format("invalid port spec '{}': write IPv6 as [ADDRESS]:PORT", text));
        }
        rest = rest.substr(colon + 1);
        has_address = true;
    }
    if (has_address) {
        spec.address = IpAddress::parse(address_text);
        if (!spec.address) {
            throw InputError(
                fmt::format("invalid address '{}' in '{}': not an IP address", address_text, text));
        }
        if (spec.family && *spec.family != spec.address->family()) {
            throw InputError(fmt::format("invalid port spec '{}': the address is not {}", text,
                                         *spec.family == Family::ipv4 ? "IPv4" : "IPv6"));
        }
        // An address pins the family: tcp/127.0.0.1:80 means IPv4.
        spec.family = spec.address->family();
    }
    spec.ports = parse_port_range(rest, text);
    return spec;
}

std::string PortSpec::label() const {
    std::string label(transport_name(transport));
    // The address already says the family, so only a family without address adds its digit.
    if (family && !address) {
        label += *family == Family::ipv4 ? "4" : "6";
    }
    label += '/';
    if (address) {
        label += address->to_host_string();
        label += ':';
    }
    label += std::to_string(ports.low);
    if (ports.high != ports.low) {
        label += '-';
        label += std::to_string(ports.high);
    }
    return label;
}

PortSpec::Coverage PortSpec::coverage(const Listener& listener) const {
    if (listener.transport != transport || !ports.contains(listener.port)) {
        return Coverage::none;
    }
    const auto covered_if = [](std::optional<bool> serves) {
        return !serves ? Coverage::uncertain : *serves ? Coverage::covered : Coverage::none;
    };
    if (!address) {
        return family ? covered_if(listener.surely_serves(*family)) : Coverage::covered;
    }
    if (address->is_wildcard()) {
        return address->family() == Family::ipv6 ? Coverage::covered
                                                 : covered_if(listener.surely_serves(Family::ipv4));
    }
    if (listener.address == *address) {
        return Coverage::covered;
    }
    return listener.address.is_wildcard() ? covered_if(listener.surely_serves(address->family()))
                                          : Coverage::none;
}

std::string Rule::allowed_text() const {
    std::string text;
    for (const auto& entry : allow) {
        if (!text.empty()) {
            text += ", ";
        }
        text += entry.text();
    }
    return text;
}

Rule parse_rule_argument(std::string_view text) {
    Rule rule;
    rule.origin = fmt::format("-p {}", text);
    const auto equals = text.find('=');
    rule.spec = PortSpec::parse(text.substr(0, equals));
    if (equals != std::string_view::npos) {
        auto list = text.substr(equals + 1);
        if (list.empty()) {
            throw InputError(fmt::format("invalid rule '{}': nothing after '='", text));
        }
        while (true) {
            // `-p "80=nginx, apache2"` means the same as without the space.
            list = trim_blanks(list);
            // A cmdline: condition takes the rest of the argument, commas included.
            const auto length = AllowEntry::length_in_list(list, ',');
            rule.allow.push_back(AllowEntry::parse(trim_blanks(list.substr(0, length))));
            if (length == list.size()) {
                break;
            }
            list = list.substr(length + 1);
        }
    }
    return rule;
}

}  // namespace port_owner
