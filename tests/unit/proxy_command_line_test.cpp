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

namespace port_owner {
namespace {

constexpr auto tcp = Transport::tcp;
constexpr auto udp = Transport::udp;

TEST(PastaForwards, AsPodmanWritesThem) {
    const std::string line =
        "/usr/bin/pasta --config-net -t 8080-8081:80-81 -u 5353:53 --dns-forward 169.254.1.1 "
        "-T none -U none --no-map-gw --quiet --netns /run/user/1000/netns/netns-1";
    EXPECT_EQ(pasta_target_port(line, tcp, 8080), 80);
    EXPECT_EQ(pasta_target_port(line, tcp, 8081), 81);
    EXPECT_FALSE(pasta_target_port(line, tcp, 8082));
    EXPECT_EQ(pasta_target_port(line, udp, 5353), 53);
    EXPECT_FALSE(pasta_target_port(line, udp, 8080));
}

TEST(PastaForwards, SpecForms) {
    EXPECT_EQ(pasta_target_port("pasta -t 22", tcp, 22), 22);
    EXPECT_EQ(pasta_target_port("pasta --tcp-ports=127.0.0.1/8000:80", tcp, 8000), 80);
    EXPECT_EQ(pasta_target_port("pasta --tcp-ports ::1%lo/8000:80", tcp, 8000), 80);
    EXPECT_EQ(pasta_target_port("pasta -t8000:80", tcp, 8000), 80);
    EXPECT_EQ(pasta_target_port("pasta -t all", tcp, 4444), 4444);
    EXPECT_EQ(pasta_target_port("pasta -t auto", tcp, 4444), 4444);
    EXPECT_FALSE(pasta_target_port("pasta -t none", tcp, 22));
    EXPECT_EQ(pasta_target_port("pasta -t 1000-2000,~1500", tcp, 1499), 1499);
    EXPECT_FALSE(pasta_target_port("pasta -t 1000-2000,~1500", tcp, 1500));
    EXPECT_FALSE(pasta_target_port("pasta -t ~1500,1000-2000", tcp, 1500));
    EXPECT_EQ(pasta_target_port("pasta -t 22 -t 8000:80", tcp, 8000), 80);
}

TEST(PastaForwards, MalformedSpecsForwardNothing) {
    EXPECT_FALSE(pasta_target_port("pasta -t 8000-8001:80", tcp, 8000));  // ranges differ
    EXPECT_FALSE(pasta_target_port("pasta -t 9-8", tcp, 8));
    EXPECT_FALSE(pasta_target_port("pasta -t 0", tcp, 0));
    EXPECT_FALSE(pasta_target_port("pasta -t 70000", tcp, 4464));
    EXPECT_FALSE(pasta_target_port("pasta -t", tcp, 22));
    EXPECT_FALSE(pasta_target_port("pasta -T 22", tcp, 22));  // -T forwards the other way
}

TEST(PastaForwards, TheCommandAfterDoubleDashIsNotPastas) {
    EXPECT_FALSE(pasta_target_port("pasta --config-net -- nc -t 22", tcp, 22));
    EXPECT_EQ(pasta_target_port("pasta -t 22 -- nc -t 23", tcp, 22), 22);
}

}  // namespace
}  // namespace port_owner
