// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the reader of a Podman 4 container's config, which the user running Podman controls
// (parse_podman_container_config), and the choice of container port (podman_container_ports) for
// listeners taken from the input's first bytes.
//
// Properties: every mapping has ports 1-65535 and a range that stays within them; the config
// written back as JSON (strings escaped) reads the same; every container port found lies in a
// mapping's container range at the listener's offset in its host range.

#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/podman_port_mappings.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace port_owner;

using port_owner::fuzz::json_string;

std::string written_back(const PodmanContainerConfig& config) {
    std::string mappings;
    for (const auto& mapping : config.port_mappings) {
        mappings += fmt::format(
            "{}{{\"host_ip\":{},\"container_port\":{},\"host_port\":{},\"range\":{},"
            "\"protocol\":{}}}",
            mappings.empty() ? "" : ",", json_string(mapping.host_ip), mapping.container_port,
            mapping.host_port, mapping.range, json_string(mapping.protocols));
    }
    return fmt::format(R"({{"id":{},"name":{},"newPortMappings":[{}]}})", json_string(config.id),
                       json_string(config.name), mappings);
}

bool same(const PodmanContainerConfig& a, const PodmanContainerConfig& b) {
    if (a.id != b.id || a.name != b.name || a.port_mappings.size() != b.port_mappings.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.port_mappings.size(); ++i) {
        const auto& x = a.port_mappings[i];
        const auto& y = b.port_mappings[i];
        if (x.host_ip != y.host_ip || x.host_port != y.host_port ||
            x.container_port != y.container_port || x.range != y.range ||
            x.protocols != y.protocols) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = port_owner::fuzz::as_text(data, size);
    const auto config = parse_podman_container_config(text);
    if (!config) {
        return 0;
    }
    for (const auto& mapping : config->port_mappings) {
        FUZZ_CHECK(mapping.host_port != 0 && mapping.container_port != 0 && mapping.range != 0);
        FUZZ_CHECK(mapping.host_port + mapping.range - 1u <= 65535u);
        FUZZ_CHECK(mapping.container_port + mapping.range - 1u <= 65535u);
    }
    const auto again = parse_podman_container_config(written_back(*config));
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(same(*config, *again));
    // Listeners on the ports the input's first bytes name, on a wildcard and on 127.0.0.1.
    for (std::size_t i = 0; i + 1 < size && i < 8; i += 2) {
        for (const auto* address : {"::", "0.0.0.0", "127.0.0.1"}) {
            for (const auto transport : {Transport::tcp, Transport::udp}) {
                Listener held;
                held.transport = transport;
                held.address = *IpAddress::parse(address);
                held.port = static_cast<std::uint16_t>(data[i] << 8 | data[i + 1]);
                for (const auto port : podman_container_ports(config->port_mappings, held)) {
                    bool explained = false;
                    for (const auto& mapping : config->port_mappings) {
                        explained |=
                            held.port >= mapping.host_port &&
                            held.port - mapping.host_port < mapping.range &&
                            port == mapping.container_port + (held.port - mapping.host_port);
                    }
                    FUZZ_CHECK(explained);
                }
            }
        }
    }
    return 0;
}
