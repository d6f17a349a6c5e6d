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

}  // namespace

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
