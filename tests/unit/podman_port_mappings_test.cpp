// SPDX-License-Identifier: GPL-3.0-or-later
// A Podman 4 container's config as Podman writes it (4.3.1, Debian 12), and as a forger might: what
// the plugin reads of it, and which container port a held listener leads to.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bolt_database.hpp"
#include "core/podman_port_mappings.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

constexpr std::string_view web1_id =
    "d567fd23fe17ab13f4079c71f091554f6a1309cae6fac7e03153260f7e198670";

using test_support::listener;

// The shape Podman 4.3 writes (abridged: the OCI spec and most members left out, the order kept).
std::string config_with(const std::string& mappings) {
    return R"({"spec":{"ociVersion":"1.0.2-dev","process":{"args":["python3","-m","http.server"]},)"
           R"("linux":{"seccomp":{"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW",)"
           R"("args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]}]}}},)"
           R"("id":"d567fd23fe17ab13f4079c71f091554f6a1309cae6fac7e03153260f7e198670",)"
           R"("name":"web1","lockID":0,"CreateCommand":["podman","run","-p","8080:80"],)"
           R"("newPortMappings":)" +
           mappings + R"(,"UseImageResolvConf":false,"networkMode":"slirp4netns","stopSignal":15})";
}

TEST(PodmanPortMappings, AsPodmanWritesThem) {
    const auto config = parse_podman_container_config(config_with(
        R"([{"host_ip":"","container_port":81,"host_port":8081,"range":3,"protocol":"udp"},)"
        R"({"host_ip":"127.0.0.1","container_port":90,"host_port":9090,"range":1,"protocol":"tcp"}])"));
    ASSERT_TRUE(config);
    EXPECT_EQ(config->id, "d567fd23fe17ab13f4079c71f091554f6a1309cae6fac7e03153260f7e198670");
    EXPECT_EQ(config->name, "web1");
    ASSERT_EQ(config->port_mappings.size(), 2u);
    const auto& udp = config->port_mappings[0];
    EXPECT_EQ(udp.host_ip, "");
    EXPECT_EQ(udp.host_port, 8081);
    EXPECT_EQ(udp.container_port, 81);
    EXPECT_EQ(udp.range, 3);
    EXPECT_EQ(udp.protocols, "udp");
    EXPECT_EQ(config->port_mappings[1].host_ip, "127.0.0.1");
}

TEST(PodmanPortMappings, NoPortsPublished) {
    EXPECT_TRUE(parse_podman_container_config(config_with("null"))->port_mappings.empty());
    EXPECT_TRUE(parse_podman_container_config(config_with("[]"))->port_mappings.empty());
    EXPECT_TRUE(
        parse_podman_container_config(R"({"id":")" + std::string(web1_id) + R"(","name":"b"})")
            ->port_mappings.empty());
}

TEST(PodmanPortMappings, RefusesWhatPodmanDoesNotWrite) {
    for (const std::string mappings : {
             R"([{"container_port":80,"protocol":"tcp"}])",                     // no host port
             R"([{"host_port":8080,"protocol":"tcp"}])",                        // no container port
             R"([{"host_port":0,"container_port":80,"protocol":"tcp"}])",       // port 0
             R"([{"host_port":70000,"container_port":80,"protocol":"tcp"}])",   // past 65535
             R"([{"host_port":"8080","container_port":80,"protocol":"tcp"}])",  // a string
             R"([{"host_port":8080,"container_port":80,"protocol":6}])",        // not a string
             R"([{"host_port":65535,"container_port":80,"range":2,"protocol":"tcp"}])",
             R"([{"host_port":80,"container_port":65535,"range":2,"protocol":"tcp"}])",
             R"([{"host_port":8080,"host_port":8081,"container_port":80,"protocol":"tcp"}])",
             R"([{"host_port":8080,"container_port":80,"protocol":"tcp"},])",  // a trailing comma
             R"({"host_port":8080})",
         }) {
        SCOPED_TRACE(mappings);
        EXPECT_FALSE(parse_podman_container_config(config_with(mappings)));
    }
    // Each is refused for one thing, the id being a real one (a = web1's).
    const std::string a(web1_id);
    for (
        const auto& text : std::vector<std::string>{
            "",
            "[]",
            "{}",
            R"({"id":")" + a + R"("})",
            R"({"name":"b"})",
            R"({"id":1,"name":"b"})",
            R"({"id":")" + a + R"(","id":")" + a + R"(","name":"b"})",
            R"({"id":")" + a + R"(","name":"b"} x)",
            R"({"id":")" + a + R"(","name":"b","newPortMappings":[],"newPortMappings":[]})",
            R"({"id":")" + a +
                R"(","name":"b","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]})",
            R"({"id":")" + a + R"(\q","name":"b"})",
            "{\"id\":\"" + a + "\n\",\"name\":\"b\"}",
        }) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(parse_podman_container_config(text));
    }
}

TEST(PodmanPortMappings, RefusesIdsAndNamesPodmanDoesNotMake) {
    // The user writes the state: a name with a newline would add lines of theirs to the output
    // and to the allow-list --learn writes; the id's first 12 digits are written there too.
    const std::string a(web1_id);
    const auto config = [](const std::string& id, const std::string& name) {
        return R"({"id":")" + id + R"(","name":")" + name + R"(","newPortMappings":null})";
    };
    ASSERT_TRUE(parse_podman_container_config(config(a, "web_1.b-c")));
    for (const auto& [id, name] : std::vector<std::pair<std::string, std::string>>{
             {a, R"(web
[tcp/22]
allow = user:1000)"},
             {a, "web+user:0"},
             {a, R"(web
)"},
             {a, "-web"},
             {a, ""},
             {a, std::string(256, 'w')},
             {"a", "web"},
             {a.substr(0, 63), "web"},
             {a + "0", "web"},
             {"D567FD23FE17AB13F4079C71F091554F6A1309CAE6FAC7E03153260F7E198670", "web"},
             {R"(web
[tcp/22]
allow = user:100)" +
                  a.substr(0, 34),
              "web"},
         }) {
        SCOPED_TRACE(id + " " + name);
        EXPECT_FALSE(parse_podman_container_config(config(id, name)));
    }
}

TEST(PodmanPortMappings, ContainerPortOfAHeldListener) {
    const auto config = parse_podman_container_config(config_with(
        R"([{"host_ip":"","container_port":80,"host_port":8080,"range":1,"protocol":"tcp"},)"
        R"({"host_ip":"","container_port":91,"host_port":18091,"range":2,"protocol":"tcp,udp"},)"
        R"({"host_ip":"127.0.0.1","container_port":90,"host_port":9090,"range":1,"protocol":"tcp"}])"));
    ASSERT_TRUE(config);
    const auto& mappings = config->port_mappings;
    using Ports = std::vector<std::uint16_t>;
    // rootlessport listens on [::] for an empty host_ip (Go's "tcp" with no address).
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::tcp, "::", 8080)), Ports{80});
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::tcp, "0.0.0.0", 8080)),
              Ports{80});
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::udp, "::", 8080)), Ports{});
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::tcp, "127.0.0.1", 8080)),
              Ports{});
    // A range, port by port, for each of its protocols.
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::tcp, "::", 18092)), Ports{92});
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::udp, "::", 18091)), Ports{91});
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::tcp, "::", 18093)), Ports{});
    // An address: that address only.
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::tcp, "127.0.0.1", 9090)),
              Ports{90});
    EXPECT_EQ(podman_container_ports(mappings, listener(Transport::tcp, "::", 9090)), Ports{});
}

TEST(PodmanPortMappings, DisagreeingMappingsGiveEveryPort) {
    const auto config = parse_podman_container_config(config_with(
        R"([{"host_ip":"","container_port":80,"host_port":8080,"range":1,"protocol":"tcp"},)"
        R"({"host_ip":"","container_port":22,"host_port":8080,"range":1,"protocol":"tcp"},)"
        R"({"host_ip":"","container_port":80,"host_port":8080,"range":1,"protocol":"tcp"}])"));
    ASSERT_TRUE(config);
    EXPECT_EQ(podman_container_ports(config->port_mappings, listener(Transport::tcp, "::", 8080)),
              (std::vector<std::uint16_t>{80, 22}));
}

// Both containers of the state file rootless Podman 4.3.1 wrote (tests/unit/data), read as the
// Linux inventory reads them: every config in the "ctr" bucket.
TEST(PodmanPortMappings, TheConfigsPodmanWrote) {
    std::ifstream in(PORT_OWNER_BOLT_FIXTURE, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const BoltDatabase database(bytes);
    const std::string_view containers[] = {"ctr"};
    std::vector<PodmanContainerConfig> configs;
    for (const auto& entry : database.entries(containers)) {
        ASSERT_TRUE(entry.bucket);
        const std::string_view container[] = {"ctr", entry.key};
        const auto config = parse_podman_container_config(*database.value(container, "config"));
        ASSERT_TRUE(config) << entry.key;
        EXPECT_EQ(config->id, entry.key);
        configs.push_back(*config);
    }
    ASSERT_EQ(configs.size(), 2u);
    const auto& other = configs[0].name == "other" ? configs[0] : configs[1];
    const auto& web1 = configs[0].name == "web1" ? configs[0] : configs[1];
    EXPECT_EQ(web1.name, "web1");
    using Ports = std::vector<std::uint16_t>;
    EXPECT_EQ(podman_container_ports(web1.port_mappings, listener(Transport::tcp, "::", 8080)),
              Ports{80});
    EXPECT_EQ(podman_container_ports(other.port_mappings, listener(Transport::udp, "::", 8083)),
              Ports{83});
    EXPECT_EQ(
        podman_container_ports(other.port_mappings, listener(Transport::tcp, "127.0.0.1", 9090)),
        Ports{90});
    EXPECT_EQ(podman_container_ports(other.port_mappings, listener(Transport::tcp, "::", 8081)),
              Ports{});
}

}  // namespace
}  // namespace port_owner
