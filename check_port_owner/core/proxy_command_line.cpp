// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/proxy_command_line.hpp"

#include <array>
#include <vector>

#include <fmt/format.h>

#include "core/whole_number.hpp"

namespace port_owner {
namespace {

enum Flag : std::size_t { proto, host_ip, host_port, container_ip, container_port, flag_count };

constexpr std::array<std::string_view, flag_count> flag_names = {"proto", "host-ip", "host-port",
                                                                 "container-ip", "container-port"};

std::optional<std::size_t> flag_index(std::string_view name) {
    for (std::size_t i = 0; i < flag_names.size(); ++i) {
        if (flag_names[i] == name) {
            return i;
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> split_arguments(std::string_view line) {
    std::vector<std::string_view> arguments;
    while (!line.empty()) {
        const auto blank = line.find(' ');
        arguments.push_back(line.substr(0, blank));
        line.remove_prefix(blank == std::string_view::npos ? line.size() : blank + 1);
    }
    return arguments;
}

// A port a proxy can listen on or reach: 1-65535 (Go's default of -1 means "not given").
std::optional<std::uint16_t> parse_port(std::string_view text) {
    const auto port = parse_whole_number<std::uint16_t>(text);
    return port && *port != 0 ? port : std::nullopt;
}

struct PortSpan {
    std::uint16_t low = 0;
    std::uint16_t high = 0;
};

// "N" or "N-M", 1-65535, low <= high.
std::optional<PortSpan> parse_span(std::string_view text) {
    const auto dash = text.find('-');
    const auto low = parse_port(text.substr(0, dash));
    const auto high = dash == std::string_view::npos ? low : parse_port(text.substr(dash + 1));
    if (!low || !high || *high < *low) {
        return std::nullopt;
    }
    return PortSpan{*low, *high};
}

// One spec's answer for `port`: where it goes, or nullopt. A malformed item forwards nothing.
std::optional<std::uint16_t> spec_target(std::string_view spec, std::uint16_t port) {
    if (spec == "none") {
        return std::nullopt;
    }
    if (spec == "all" || spec == "auto") {
        return port;
    }
    std::optional<std::uint16_t> target;
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        auto item = spec.substr(0, comma);
        spec.remove_prefix(comma == std::string_view::npos ? spec.size() : comma + 1);
        const bool excluded = item.starts_with('~');
        if (excluded) {
            item.remove_prefix(1);
        }
        // An address (which may hold ':') comes before the last '/'.
        if (const auto slash = item.rfind('/'); slash != std::string_view::npos) {
            item.remove_prefix(slash + 1);
        }
        const auto colon = item.find(':');
        const auto from = parse_span(item.substr(0, colon));
        if (!from || port < from->low || port > from->high) {
            continue;
        }
        if (excluded) {
            return std::nullopt;  // an exclusion wins wherever it is written
        }
        if (target) {
            continue;  // the first item that forwards the port says where
        }
        if (colon == std::string_view::npos) {
            target = port;
            continue;
        }
        const auto to = parse_span(item.substr(colon + 1));
        if (to && to->high - to->low == from->high - from->low) {
            target = static_cast<std::uint16_t>(to->low + (port - from->low));
        }
    }
    return target;
}

}  // namespace

std::optional<std::uint16_t> pasta_target_port(std::string_view command_line, Transport transport,
                                               std::uint16_t host_port) {
    const auto arguments = split_arguments(command_line);
    const std::string_view short_option = transport == Transport::tcp ? "-t" : "-u";
    const std::string_view long_option =
        transport == Transport::tcp ? "--tcp-ports" : "--udp-ports";
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        const auto argument = arguments[i];
        if (argument == "--") {
            break;  // the command pasta runs, with options of its own
        }
        std::optional<std::string_view> spec;
        if (argument == short_option || argument == long_option) {
            if (i + 1 < arguments.size()) {
                spec = arguments[++i];
            }
        } else if (argument.starts_with(long_option) &&
                   argument.substr(long_option.size()).starts_with('=')) {
            spec = argument.substr(long_option.size() + 1);
        } else if (argument.starts_with(short_option) && !argument.starts_with("--")) {
            spec = argument.substr(short_option.size());  // getopt's "-t8080"
        }
        if (spec) {
            if (const auto target = spec_target(*spec, host_port)) {
                return target;
            }
        }
    }
    return std::nullopt;
}

std::string DockerProxyTarget::container_text() const {
    return fmt::format("{}:{}", container_address.to_host_string(), container_port);
}

std::optional<DockerProxyTarget> parse_docker_proxy_command_line(std::string_view command_line) {
    const auto arguments = split_arguments(command_line);
    if (arguments.empty()) {
        return std::nullopt;
    }
    std::array<std::optional<std::string_view>, flag_count> values;
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        auto argument = arguments[i];
        if (!argument.starts_with('-')) {
            return std::nullopt;  // docker-proxy takes no positional argument
        }
        argument.remove_prefix(argument.starts_with("--") ? 2 : 1);
        std::optional<std::string_view> value;
        if (const auto equals = argument.find('='); equals != std::string_view::npos) {
            value = argument.substr(equals + 1);
            argument = argument.substr(0, equals);
        }
        const auto index = flag_index(argument);
        if (!index || values[*index]) {
            return std::nullopt;  // unknown, or given twice: which one would the proxy take?
        }
        if (!value) {
            if (i + 1 >= arguments.size()) {
                return std::nullopt;
            }
            value = arguments[++i];
        }
        values[*index] = value;
    }
    DockerProxyTarget target;
    const auto protocol = values[proto].value_or("tcp");
    if (protocol == "tcp") {
        target.transport = Transport::tcp;
    } else if (protocol == "udp") {
        target.transport = Transport::udp;
    } else {
        return std::nullopt;  // sctp is not a listener this plugin sees
    }
    if (values[host_ip]) {
        target.host_address = IpAddress::parse(*values[host_ip]);
        if (!target.host_address) {
            return std::nullopt;
        }
    }
    const auto address =
        values[container_ip] ? IpAddress::parse(*values[container_ip]) : std::nullopt;
    const auto listen_port = values[host_port] ? parse_port(*values[host_port]) : std::nullopt;
    const auto forward_port =
        values[container_port] ? parse_port(*values[container_port]) : std::nullopt;
    if (!address || address->is_wildcard() || !listen_port || !forward_port) {
        return std::nullopt;
    }
    target.container_address = *address;
    target.host_port = *listen_port;
    target.container_port = *forward_port;
    return target;
}

}  // namespace port_owner
