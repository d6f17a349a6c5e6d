// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.hpp"
#include "core/socket_model.hpp"

namespace port_owner {

// Where docker-proxy forwards, from its command line, which dockerd writes:
// `docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip 172.17.0.2
// -container-port 80`. Go's flag syntax: `-flag value`, `-flag=value`, and `--` forms alike.
struct DockerProxyTarget {
    Transport transport = Transport::tcp;
    std::optional<IpAddress> host_address;  // nullopt when -host-ip is absent
    std::uint16_t host_port = 0;
    IpAddress container_address;
    std::uint16_t container_port = 0;

    // "172.17.0.2:80", "[fd00::2]:80"
    std::string container_text() const;
};

// The target in a command line whose arguments are joined by single spaces (as ProcessIdentity
// keeps it: the arguments dockerd passes contain no blank). nullopt when the line is not such a
// command line: a flag missing or repeated, an unknown flag, a value that is no address, port or
// protocol. The line is whatever the process chose, so nothing in it is trusted beyond its form;
// docs/architecture.md says what is checked against the kernel.
std::optional<DockerProxyTarget> parse_docker_proxy_command_line(std::string_view command_line);

// The port pasta forwards `host_port` to in its network namespace, from its command line
// (arguments joined by single spaces): the -t/--tcp-ports or -u/--udp-ports specs of `transport`,
// up to `--` (what follows is the command pasta runs). A spec is `none`, `all`, `auto` (the same
// port), or a comma-separated list of `[ADDRESS[%INTERFACE]/]PORTS[:PORTS]` (PORTS: N or N-M;
// `8080-8081:80-81` maps 8080 to 80) and exclusions `~PORTS`. nullopt when no spec forwards
// `host_port`. The command line is the pasta process's own; what it names is then checked
// against the kernel (a listener on that port in pasta's namespace).
std::optional<std::uint16_t> pasta_target_port(std::string_view command_line, Transport transport,
                                               std::uint16_t host_port);

}  // namespace port_owner
