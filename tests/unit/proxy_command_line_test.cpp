// SPDX-License-Identifier: GPL-3.0-or-later
// docker-proxy's command line, as dockerd writes it and as a forger might.

#include <gtest/gtest.h>

#include "core/proxy_command_line.hpp"

namespace port_owner {
namespace {

TEST(DockerProxyCommandLine, AsDockerdWritesIt) {
    const auto target = parse_docker_proxy_command_line(
        "/usr/sbin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip "
        "172.17.0.2 -container-port 80");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->transport, Transport::tcp);
    EXPECT_EQ(target->host_address->to_string(), "0.0.0.0");
    EXPECT_EQ(target->host_port, 8080);
    EXPECT_EQ(target->container_text(), "172.17.0.2:80");
}

TEST(DockerProxyCommandLine, GoFlagForms) {
    const auto target = parse_docker_proxy_command_line(
        "docker-proxy --proto=udp -host-port=53 --container-ip fd00::2 -container-port=5353");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->transport, Transport::udp);
    EXPECT_FALSE(target->host_address);
    EXPECT_EQ(target->container_text(), "[fd00::2]:5353");
}

TEST(DockerProxyCommandLine, ProtocolDefaultsToTcp) {
    const auto target = parse_docker_proxy_command_line(
        "docker-proxy -host-port 1 -container-ip 10.0.0.1 -container-port 2");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->transport, Transport::tcp);
}

TEST(DockerProxyCommandLine, RefusesWhatDockerdNeverWrites) {
    const char* lines[] = {
        "",
        "docker-proxy",
        "docker-proxy -host-port 8080 -container-port 80",  // no container address
        "docker-proxy -host-port 8080 -container-ip 0.0.0.0 -container-port 80",
        "docker-proxy -host-port 8080 -container-ip 172.17.0.2 -container-port -1",
        "docker-proxy -host-port 0 -container-ip 172.17.0.2 -container-port 80",
        "docker-proxy -host-port 70000 -container-ip 172.17.0.2 -container-port 80",
        "docker-proxy -proto sctp -host-port 1 -container-ip 172.17.0.2 -container-port 80",
        "docker-proxy -host-port 1 -container-ip nowhere -container-port 80",
        "docker-proxy -host-port 1 -container-ip 172.17.0.2 -container-port",
        // Given twice: which one the proxy uses is not ours to guess.
        ("docker-proxy -host-port 1 -container-ip 172.17.0.2 -container-ip 172.17.0.3 "
         "-container-port 80"),
        "docker-proxy -host-port 1 -container-ip 172.17.0.2 -container-port 80 -verbose x",
        "docker-proxy stray -host-port 1 -container-ip 172.17.0.2 -container-port 80",
    };
    for (const char* line : lines) {
        EXPECT_FALSE(parse_docker_proxy_command_line(line)) << line;
    }
}

}  // namespace
}  // namespace port_owner
