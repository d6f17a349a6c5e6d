// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/socket_model.hpp"

namespace port_owner {

// One port mapping of a Podman 4 container (`-p 127.0.0.1:8080-8082:80-82/tcp`), as Podman keeps
// it in the container's config: `{"host_ip":"","container_port":80,"host_port":8080,"range":3,
// "protocol":"tcp"}`. Host port host_port + i leads to container port container_port + i.
struct PodmanPortMapping {
    std::string host_ip;  // empty: every address
    std::uint16_t host_port = 0;
    std::uint16_t container_port = 0;
    std::uint16_t range = 1;
    std::string protocols;  // "tcp", "udp", or several joined by commas ("tcp,udp")
};

// What the plugin reads of a Podman 4 container's config (the JSON Podman stores per container in
// its state database): its id, its name and its port mappings ("newPortMappings"). nullopt when
// the text is not such JSON (a strict reader, JsonScanner), the id or name is missing or not one
// Podman makes or accepts (is_container_id, is_container_name: the user writes the file, and
// both go into the output and into --learn's allow-list, where a newline would add lines of the
// user's), or a mapping lacks a port, has a port outside 1-65535, a range past port 65535 or a
// non-string address or protocol. The config is the word of the user running Podman.
struct PodmanContainerConfig {
    std::string id;
    std::string name;
    std::vector<PodmanPortMapping> port_mappings;
};
std::optional<PodmanContainerConfig> parse_podman_container_config(std::string_view json);

// The container ports the mappings lead the listener rootlessport holds to, each once: a mapping
// serves it when one of its protocols is the listener's transport, the listener's port lies in
// its host range, and its host_ip is the listener's address (empty: a wildcard of either family,
// as rootlessport listens on [::] for it). Empty when none serves it; more than one when
// mappings disagree.
std::vector<std::uint16_t> podman_container_ports(const std::vector<PodmanPortMapping>& mappings,
                                                  const Listener& held);

}  // namespace port_owner
