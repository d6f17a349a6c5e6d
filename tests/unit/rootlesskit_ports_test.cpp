// SPDX-License-Identifier: GPL-3.0-or-later
// rootlesskit's port list, as its API socket answers (rootlesskit 1.1.0, Debian 12) and as a
// forger might.

#include <gtest/gtest.h>

#include "core/rootlesskit_ports.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using test_support::listener;

TEST(RootlesskitPorts, AsRootlesskitAnswers) {
    const auto answer =
        "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nDate: Sun, 06 Dec 2026 07:33:00 "
        "GMT\r\n\r\n"
        "[{\"id\":1,\"spec\":{\"proto\":\"tcp\",\"parentIP\":\"0.0.0.0\",\"parentPort\":18080,"
        "\"childPort\":80}},{\"id\":2,\"spec\":{\"proto\":\"udp6\",\"parentIP\":\"::1\","
        "\"parentPort\":53,\"childIP\":\"10.0.2.100\",\"childPort\":5353}}]\n";
    const auto body = http_ok_body(answer);
    ASSERT_TRUE(body);
    const auto specs = parse_rootlesskit_ports(*body);
    ASSERT_TRUE(specs);
    ASSERT_EQ(specs->size(), 2u);
    EXPECT_EQ((*specs)[0].proto, "tcp");
    EXPECT_EQ((*specs)[0].parent_ip, "0.0.0.0");
    EXPECT_EQ((*specs)[0].parent_port, 18080);
    EXPECT_EQ((*specs)[0].child_ip, "");
    EXPECT_EQ((*specs)[0].child_port, 80);
    EXPECT_EQ((*specs)[1].proto, "udp6");
    EXPECT_EQ((*specs)[1].child_ip, "10.0.2.100");
    EXPECT_EQ((*specs)[1].child_port, 5353);
}

TEST(RootlesskitPorts, EmptyListAndBlanks) {
    EXPECT_EQ(parse_rootlesskit_ports(" [ ] ")->size(), 0u);
    EXPECT_EQ(parse_rootlesskit_ports("[ { \"spec\" : { \"proto\" : \"tcp\" , \"parentPort\" : 1 "
                                      ", \"childPort\" : 2 , \"extra\" : [ {\"a\" : null} ] } , "
                                      "\"id\" : 1.5e3 } ]")
                  ->size(),
              1u);
}

TEST(RootlesskitPorts, EscapesInStrings) {
    const auto specs = parse_rootlesskit_ports(
        R"([{"spec":{"proto":"t\u0063p","parentIP":"\u00e9","parentPort":1,"childPort":2}}])");
    ASSERT_TRUE(specs);
    EXPECT_EQ((*specs)[0].proto, "tcp");
    EXPECT_EQ((*specs)[0].parent_ip, "?");
}

TEST(RootlesskitPorts, RefusesWhatIsNotAPortList) {
    for (const auto* text : {
             "",
             "{}",
             "[",
             "[{}]",
             "[{\"spec\":{}}]",
             R"([{"spec":{"proto":"tcp","parentPort":0,"childPort":2}}])",
             R"([{"spec":{"proto":"tcp","parentPort":65536,"childPort":2}}])",
             R"([{"spec":{"proto":"tcp","parentPort":-1,"childPort":2}}])",
             R"([{"spec":{"proto":"tcp","parentPort":"80","childPort":2}}])",
             R"([{"spec":{"proto":"tcp","parentPort":80.5,"childPort":2}}])",
             R"([{"spec":{"proto":"tcp","parentPort":80,"parentPort":81,"childPort":2}}])",
             R"([{"spec":{"proto":"tcp","parentPort":80,"childPort":2}},])",
             R"([{"spec":{"proto":"tcp","parentPort":80,"childPort":2}}] x)",
             R"([{"spec":{"proto":"tcp","parentPort":80,"childPort":2},"spec":{}}])",
             R"([{"spec":{"proto":"tc\q","parentPort":80,"childPort":2}}])",
             "[{\"spec\":{\"proto\":\"tc\np\",\"parentPort\":80,\"childPort\":2}}]",
             R"([{"spec":{"proto":"tcp","parentPort":80,"childPort":2,"x":tru}}])",
             R"([{"spec":{"proto":7,"parentPort":80,"childPort":2}}])",
         }) {
        EXPECT_FALSE(parse_rootlesskit_ports(text)) << text;
    }
}

TEST(RootlesskitPorts, NestingIsBounded) {
    std::string deep = R"([{"spec":{"proto":"tcp","parentPort":1,"childPort":2,"x":)";
    std::string shallow = deep;
    deep += std::string(10000, '[') + std::string(10000, ']') + "}}]";
    shallow += "[[[]]]}}]";
    EXPECT_FALSE(parse_rootlesskit_ports(deep));
    EXPECT_TRUE(parse_rootlesskit_ports(shallow));
}

TEST(RootlesskitPorts, HttpAnswer) {
    EXPECT_EQ(*http_ok_body("HTTP/1.1 200 OK\r\nA: b\r\n\r\n[]"), "[]");
    EXPECT_FALSE(http_ok_body("HTTP/1.1 404 Not Found\r\n\r\n[]"));
    EXPECT_FALSE(http_ok_body("HTTP/1.1 2000\r\n\r\n[]"));
    EXPECT_FALSE(http_ok_body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]"));
    EXPECT_FALSE(http_ok_body("HTTP/1.1 200 OK\r\n"));
    EXPECT_FALSE(http_ok_body("[]"));
}

TEST(RootlesskitPorts, SpecServesTheListenerItsParentHolds) {
    RootlesskitPortSpec spec{"tcp", "0.0.0.0", 8080, "", 80};
    // Go listens on [::] (serving IPv4 too) for "tcp" on 0.0.0.0.
    EXPECT_TRUE(rootlesskit_spec_serves(spec, listener(Transport::tcp, "::", 8080)));
    EXPECT_TRUE(rootlesskit_spec_serves(spec, listener(Transport::tcp, "0.0.0.0", 8080)));
    EXPECT_FALSE(rootlesskit_spec_serves(spec, listener(Transport::tcp, "127.0.0.1", 8080)));
    EXPECT_FALSE(rootlesskit_spec_serves(spec, listener(Transport::tcp, "::", 8081)));
    EXPECT_FALSE(rootlesskit_spec_serves(spec, listener(Transport::udp, "::", 8080)));
    spec.parent_ip = "";
    EXPECT_TRUE(rootlesskit_spec_serves(spec, listener(Transport::tcp, "::", 8080)));
    spec.proto = "tcp4";
    EXPECT_FALSE(rootlesskit_spec_serves(spec, listener(Transport::tcp, "::", 8080)));
    EXPECT_TRUE(rootlesskit_spec_serves(spec, listener(Transport::tcp, "0.0.0.0", 8080)));
    spec = {"udp", "127.0.0.1", 53, "", 53};
    EXPECT_TRUE(rootlesskit_spec_serves(spec, listener(Transport::udp, "127.0.0.1", 53)));
    EXPECT_FALSE(rootlesskit_spec_serves(spec, listener(Transport::udp, "0.0.0.0", 53)));
    spec.proto = "udpx";
    EXPECT_FALSE(rootlesskit_spec_serves(spec, listener(Transport::udp, "127.0.0.1", 53)));
    spec = {"tcp", "not an address", 80, "", 80};
    EXPECT_FALSE(rootlesskit_spec_serves(spec, listener(Transport::tcp, "::", 80)));
}

TEST(RootlesskitStateDir, FromItsCommandLine) {
    EXPECT_EQ(*rootlesskit_state_dir("rootlesskit --state-dir /run/user/1000/dockerd-rootless "
                                     "--net=slirp4netns dockerd"),
              "/run/user/1000/dockerd-rootless");
    EXPECT_EQ(*rootlesskit_state_dir("rootlesskit --state-dir=/tmp/s sleep 1"), "/tmp/s");
    EXPECT_EQ(*rootlesskit_state_dir("rootlesskit -state-dir /tmp/s sleep 1"), "/tmp/s");
    EXPECT_FALSE(rootlesskit_state_dir("rootlesskit --net=slirp4netns dockerd"));
    EXPECT_FALSE(rootlesskit_state_dir("rootlesskit --state-dir /a sh --state-dir /b"));
    EXPECT_FALSE(rootlesskit_state_dir("rootlesskit --state-dir"));
    EXPECT_FALSE(rootlesskit_state_dir("rootlesskit --state-dir= sh"));
}

}  // namespace
}  // namespace port_owner
