// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/podman_port_mappings.hpp"

#include <algorithm>

#include "core/container_name.hpp"
#include "core/json_scanner.hpp"
#include "core/rootlesskit_ports.hpp"
#include "core/whole_number.hpp"

namespace port_owner {
namespace {

std::optional<std::uint16_t> number_of(const JsonScanner::Field& field) {
    if (field.quoted) {
        return std::nullopt;
    }
    return parse_whole_number<std::uint16_t>(field.value);
}

std::optional<PodmanPortMapping> to_mapping(const JsonScanner::Fields& fields) {
    PodmanPortMapping mapping;
    std::optional<std::uint16_t> host_port;
    std::optional<std::uint16_t> container_port;
    for (const auto& field : fields) {
        const auto& key = field.key;
        if ((key == "host_ip" || key == "protocol") && !field.quoted) {
            return std::nullopt;
        }
        if (key == "host_ip") {
            mapping.host_ip = field.value;
        } else if (key == "protocol") {
            mapping.protocols = field.value;
        } else if (key == "host_port") {
            host_port = number_of(field);
        } else if (key == "container_port") {
            container_port = number_of(field);
        } else if (key == "range") {
            const auto range = number_of(field);
            if (!range) {
                return std::nullopt;
            }
            // Podman writes 1 for a single port; 0 is what an older writer left for the same.
            mapping.range = std::max<std::uint16_t>(*range, 1);
        }
    }
    if (!host_port || !container_port || *host_port == 0 || *container_port == 0) {
        return std::nullopt;
    }
    mapping.host_port = *host_port;
    mapping.container_port = *container_port;
    const unsigned last_offset = mapping.range - 1u;
    if (mapping.host_port + last_offset > 65535 || mapping.container_port + last_offset > 65535) {
        return std::nullopt;
    }
    return mapping;
}

}  // namespace

std::optional<PodmanContainerConfig> parse_podman_container_config(std::string_view json) {
    JsonScanner scanner(json);
    PodmanContainerConfig config;
    bool has_id = false;
    bool has_name = false;
    bool has_mappings = false;
    const bool read = scanner.read_object([&](const std::string& key) {
        if (key == "id" || key == "name") {
            auto& seen = key == "id" ? has_id : has_name;
            auto value = scanner.read_string();
            if (!value || seen) {
                return false;  // not a string, or given twice: which one counts is a guess
            }
            seen = true;
            (key == "id" ? config.id : config.name) = std::move(*value);
            return true;
        }
        if (key != "newPortMappings") {
            return scanner.skip_value(1);
        }
        if (has_mappings) {
            return false;
        }
        has_mappings = true;
        if (scanner.peek() == 'n') {
            return scanner.skip_value(1);  // null: no ports published
        }
        return scanner.read_array([&] {
            const auto fields = scanner.read_flat_object(2);
            const auto mapping = fields ? to_mapping(*fields) : std::nullopt;
            if (mapping) {
                config.port_mappings.push_back(*mapping);
            }
            return mapping.has_value();
        });
    });
    scanner.skip_blanks();
    if (!read || !scanner.at_end() || !has_id || !has_name || !is_container_id(config.id) ||
        !is_container_name(config.name)) {
        return std::nullopt;
    }
    return config;
}

std::vector<std::uint16_t> podman_container_ports(const std::vector<PodmanPortMapping>& mappings,
                                                  const Listener& held) {
    std::vector<std::uint16_t> ports;
    for (const auto& mapping : mappings) {
        if (held.port < mapping.host_port || held.port - mapping.host_port >= mapping.range) {
            continue;
        }
        const auto offset = static_cast<std::uint16_t>(held.port - mapping.host_port);
        // rootlessport hands each mapping to rootlesskit's port driver, one port spec per
        // protocol and port: the same spec, judged the same way.
        RootlesskitPortSpec spec;
        spec.parent_ip = mapping.host_ip;
        spec.parent_port = held.port;
        spec.child_port = static_cast<std::uint16_t>(mapping.container_port + offset);
        std::string_view protocols = mapping.protocols;
        while (!protocols.empty()) {
            const auto comma = protocols.find(',');
            spec.proto = std::string(protocols.substr(0, comma));
            protocols =
                comma == std::string_view::npos ? std::string_view() : protocols.substr(comma + 1);
            if (rootlesskit_spec_serves(spec, held) &&
                std::find(ports.begin(), ports.end(), spec.child_port) == ports.end()) {
                ports.push_back(spec.child_port);
            }
        }
    }
    return ports;
}

}  // namespace port_owner
