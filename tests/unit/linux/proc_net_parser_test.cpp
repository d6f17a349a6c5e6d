// SPDX-License-Identifier: GPL-3.0-or-later
// /proc/net/{tcp,tcp6,udp,udp6} parsing (the fallback listener source).
//
// The lines were copied from a Linux 6.18 x86_64 kernel: python3 in `unshare -n` (lo up, with
// 2001:db8::1234:5678 added to lo) bound TCP listeners on 0.0.0.0:8080, 127.0.0.1:8081,
// [::]:8082 (V6ONLY), [::1]:8084, [::ffff:127.0.0.1]:8085, [2001:db8::1234:5678]:8443 (socket
// created with euid 1000), UDP on 127.0.0.1:5353, [::]:5354, [2001:db8::1234:5678]:547, plus a
// connected TCP client and a connected UDP socket, then printed the four files. The kernel writes
// each 32-bit address word in host byte order, so the text is little-endian specific.

#include <gtest/gtest.h>

#include <bit>
#include <optional>
#include <string>

#include "linux/proc_net_parser.hpp"

namespace port_owner::linux_os {
namespace {

constexpr auto dual_stack = Ipv6SocketDefault::dual_stack;
constexpr auto ipv6_only = Ipv6SocketDefault::ipv6_only;

constexpr std::string_view tcp_file =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode                                                     \n"
    "   0: 00000000:1F90 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 "
    "59233 2 000000001ab13311 100 0 0 10 0                     \n"
    "   1: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "59234 1 00000000578f52bf 100 0 0 10 0                     \n"
    "   2: 0100007F:1F90 0100007F:E6D0 01 00000000:00000000 00:00000000 00000000     0        0 "
    "0 1 0000000096592389 20 0 0 10 -1                         \n"
    "   3: 0100007F:E6D0 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 "
    "59240 2 0000000058e2a937 20 0 0 10 -1                     \n";

constexpr std::string_view tcp6_file =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:1F92 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 59235 1 0000000074ba6937 100 0 0 10 0\n"
    "   1: 0000000000000000FFFF00000100007F:1F95 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 59237 1 00000000f0640f23 100 0 0 10 0\n"
    "   2: 00000000000000000000000001000000:1F94 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 59236 1 00000000f3714b8d 100 0 0 10 0\n"
    "   0: B80D0120000000000000000078563412:20FB 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1000        0 59282 1 00000000f0640f23 100 0 0 10 0\n";

constexpr std::string_view udp_file =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode ref pointer drops            \n"
    " 4017: 0100007F:A7E1 0100007F:14E9 01 00000000:00000000 00:00000000 00000000     0        0 "
    "59241 2 0000000018950b19 0         \n"
    "15545: 0100007F:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 "
    "59238 2 00000000ff5eaf5d 0         \n";

constexpr std::string_view udp6_file =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
    "15546: 00000000000000000000000000000000:14EA 00000000000000000000000000000000:0000 07 "
    "00000000:00000000 00:00000000 00000000     0        0 59239 2 0000000000fa13af 0\n"
    " 1042: B80D0120000000000000000078563412:0223 00000000000000000000000000000000:0000 07 "
    "00000000:00000000 00:00000000 00000000     0        0 59283 2 0000000000fa13af 0\n";

std::string line_of(std::string_view file, std::size_t index) {
    for (std::size_t i = 0; i < index; ++i) {
        file.remove_prefix(file.find('\n') + 1);
    }
    return std::string(file.substr(0, file.find('\n')));
}

class ProcNetParser : public ::testing::Test {
  protected:
    void SetUp() override {
        if constexpr (std::endian::native != std::endian::little) {
            GTEST_SKIP() << "the recorded lines come from a little-endian machine";
        }
    }
};

struct Expected {
    std::string address;
    std::uint16_t port;
    std::uint64_t inode;
    std::uint32_t uid;
    Family family;
};

void expect_listener(const std::optional<Listener>& listener, Transport transport,
                     const Expected& expected) {
    ASSERT_TRUE(listener.has_value());
    EXPECT_EQ(listener->transport, transport);
    EXPECT_EQ(listener->address.to_string(), expected.address);
    EXPECT_EQ(listener->address.family(), expected.family);
    EXPECT_EQ(listener->port, expected.port);
    EXPECT_EQ(listener->inode, expected.inode);
    EXPECT_EQ(listener->socket_uid, expected.uid);
}

TEST_F(ProcNetParser, TcpListenLines) {
    expect_listener(
        parse_proc_net_line(line_of(tcp_file, 1), Transport::tcp, Family::ipv4, dual_stack),
        Transport::tcp, {"0.0.0.0", 8080, 59233, 0, Family::ipv4});
    expect_listener(
        parse_proc_net_line(line_of(tcp_file, 2), Transport::tcp, Family::ipv4, dual_stack),
        Transport::tcp, {"127.0.0.1", 8081, 59234, 0, Family::ipv4});
}

TEST_F(ProcNetParser, Tcp6ListenLines) {
    const auto any =
        parse_proc_net_line(line_of(tcp6_file, 1), Transport::tcp, Family::ipv6, dual_stack);
    expect_listener(any, Transport::tcp, {"::", 8082, 59235, 0, Family::ipv6});
    expect_listener(
        parse_proc_net_line(line_of(tcp6_file, 3), Transport::tcp, Family::ipv6, dual_stack),
        Transport::tcp, {"::1", 8084, 59236, 0, Family::ipv6});
    expect_listener(
        parse_proc_net_line(line_of(tcp6_file, 4), Transport::tcp, Family::ipv6, dual_stack),
        Transport::tcp, {"2001:db8::1234:5678", 8443, 59282, 1000, Family::ipv6});
}

TEST_F(ProcNetParser, Ipv4MappedInTcp6ReadsAsIpv4) {
    const auto mapped =
        parse_proc_net_line(line_of(tcp6_file, 2), Transport::tcp, Family::ipv6, ipv6_only);
    expect_listener(mapped, Transport::tcp, {"127.0.0.1", 8085, 59237, 0, Family::ipv4});
    EXPECT_FALSE(mapped->v6only) << "an IPv4 address is never v6only";
}

TEST_F(ProcNetParser, V6onlyComesFromTheSysctlDefault) {
    const auto line = line_of(tcp6_file, 1);
    EXPECT_FALSE(parse_proc_net_line(line, Transport::tcp, Family::ipv6, dual_stack)->v6only);
    EXPECT_TRUE(parse_proc_net_line(line, Transport::tcp, Family::ipv6, ipv6_only)->v6only);
    const auto v4 = line_of(tcp_file, 1);
    EXPECT_FALSE(parse_proc_net_line(v4, Transport::tcp, Family::ipv4, ipv6_only)->v6only);
}

// The sysctl is only what a socket gets by default: the parser says it cannot see the flag.
TEST_F(ProcNetParser, V6onlyOfAnIpv6SocketIsMarkedUnknown) {
    EXPECT_FALSE(
        parse_proc_net_line(line_of(tcp6_file, 1), Transport::tcp, Family::ipv6, dual_stack)
            ->v6only_known);
    EXPECT_TRUE(parse_proc_net_line(line_of(tcp_file, 1), Transport::tcp, Family::ipv4, dual_stack)
                    ->v6only_known);
    EXPECT_TRUE(parse_proc_net_line(line_of(tcp6_file, 2), Transport::tcp, Family::ipv6, dual_stack)
                    ->v6only_known)
        << "an IPv4-mapped address serves IPv4 only, whatever the flag";
}

TEST_F(ProcNetParser, UdpUnconnectedLines) {
    expect_listener(
        parse_proc_net_line(line_of(udp_file, 2), Transport::udp, Family::ipv4, dual_stack),
        Transport::udp, {"127.0.0.1", 5353, 59238, 0, Family::ipv4});
    expect_listener(
        parse_proc_net_line(line_of(udp6_file, 1), Transport::udp, Family::ipv6, ipv6_only),
        Transport::udp, {"::", 5354, 59239, 0, Family::ipv6});
    expect_listener(
        parse_proc_net_line(line_of(udp6_file, 2), Transport::udp, Family::ipv6, dual_stack),
        Transport::udp, {"2001:db8::1234:5678", 547, 59283, 0, Family::ipv6});
}

// A connected UDP socket (state 01) holds its local port as much as an unconnected one: with
// SO_REUSEADDR it takes its peer's datagrams ahead of the server.
TEST_F(ProcNetParser, UdpConnectedLineIsAListenerToo) {
    expect_listener(
        parse_proc_net_line(line_of(udp_file, 1), Transport::udp, Family::ipv4, dual_stack),
        Transport::udp, {"127.0.0.1", 0xA7E1, 59241, 0, Family::ipv4});
}

TEST_F(ProcNetParser, HeaderAndNonListenStatesAreSkipped) {
    for (const auto& [file, transport, family] :
         {std::tuple{tcp_file, Transport::tcp, Family::ipv4},
          std::tuple{tcp6_file, Transport::tcp, Family::ipv6},
          std::tuple{udp_file, Transport::udp, Family::ipv4},
          std::tuple{udp6_file, Transport::udp, Family::ipv6}}) {
        EXPECT_FALSE(parse_proc_net_line(line_of(file, 0), transport, family, dual_stack)) << file;
    }
    // Established TCP connections (state 01), both ends.
    EXPECT_FALSE(
        parse_proc_net_line(line_of(tcp_file, 3), Transport::tcp, Family::ipv4, dual_stack));
    EXPECT_FALSE(
        parse_proc_net_line(line_of(tcp_file, 4), Transport::tcp, Family::ipv4, dual_stack));
    // A TCP line in state 07 (CLOSE) is not a listener.
    auto closed = line_of(tcp_file, 1);
    closed.replace(closed.find(" 0A "), 4, " 07 ");
    EXPECT_FALSE(parse_proc_net_line(closed, Transport::tcp, Family::ipv4, dual_stack));
}

TEST_F(ProcNetParser, MalformedLinesAreSkipped) {
    const auto good = line_of(tcp_file, 1);
    ASSERT_TRUE(parse_proc_net_line(good, Transport::tcp, Family::ipv4, dual_stack));
    const auto replaced = [&](std::string_view from, std::string_view to) {
        auto line = good;
        line.replace(line.find(from), from.size(), to);
        return line;
    };
    const std::string cases[] = {
        "",
        " ",
        "garbage",
        good.substr(0, 20),                                          // truncated after the address
        good.substr(0, good.find("59233")),                          // no inode
        replaced("   0:", "   0"),                                   // slot without colon
        replaced("00000000:1F90", "0000000G:1F90"),                  // bad hex address
        replaced("00000000:1F90", "000000000:1F90"),                 // address too long for IPv4
        replaced("00000000:1F90", "0000000:1F90"),                   // address too short
        replaced("00000000:1F90", "00000000:1F9G"),                  // bad hex port
        replaced("00000000:1F90", "00000000:11F90"),                 // port above 65535
        replaced("00000000:1F90", "000000001F90"),                   // no colon
        replaced("00000000:1F90", "00000000:"),                      // empty port
        replaced("     0        0 59233", "     x        0 59233"),  // bad uid
        replaced("59233", "5923x"),                                  // bad inode
        replaced("     0        0 59233", "    +0        0 59233"),  // signed uid
        replaced("59233", "-59233"),                                 // signed inode
        replaced("00000000:1F90", "00000000:+F90"),                  // signed port
        replaced("59233", "99999999999999999999"),                   // inode beyond 64 bits
    };
    for (const auto& line : cases) {
        SCOPED_TRACE("'" + line + "'");
        EXPECT_FALSE(parse_proc_net_line(line, Transport::tcp, Family::ipv4, dual_stack));
    }
    // An IPv6 line read as IPv4 and the other way round.
    EXPECT_FALSE(
        parse_proc_net_line(line_of(tcp6_file, 1), Transport::tcp, Family::ipv4, dual_stack));
    EXPECT_FALSE(parse_proc_net_line(good, Transport::tcp, Family::ipv6, dual_stack));
}

TEST_F(ProcNetParser, WholeTables) {
    const auto tcp = parse_proc_net_table(tcp_file, Transport::tcp, Family::ipv4, dual_stack);
    ASSERT_EQ(tcp.size(), 2u);
    EXPECT_EQ(tcp[0].port, 8080);
    EXPECT_EQ(tcp[1].port, 8081);

    const auto tcp6 = parse_proc_net_table(tcp6_file, Transport::tcp, Family::ipv6, dual_stack);
    ASSERT_EQ(tcp6.size(), 4u);
    EXPECT_EQ(tcp6[0].port, 8082);
    EXPECT_EQ(tcp6[1].port, 8085);
    EXPECT_EQ(tcp6[2].port, 8084);
    EXPECT_EQ(tcp6[3].port, 8443);

    // The connected socket first, as the kernel lists it, then the unconnected one.
    const auto udp = parse_proc_net_table(udp_file, Transport::udp, Family::ipv4, dual_stack);
    ASSERT_EQ(udp.size(), 2u);
    EXPECT_EQ(udp[0].port, 0xA7E1);
    EXPECT_EQ(udp[1].port, 5353);

    const auto udp6 = parse_proc_net_table(udp6_file, Transport::udp, Family::ipv6, dual_stack);
    ASSERT_EQ(udp6.size(), 2u);

    // Without the final newline, and with blank lines.
    std::string text(tcp_file);
    text.pop_back();
    EXPECT_EQ(parse_proc_net_table(text, Transport::tcp, Family::ipv4, dual_stack).size(), 2u);
    EXPECT_EQ(parse_proc_net_table("\n\n" + text + "\n\n", Transport::tcp, Family::ipv4, dual_stack)
                  .size(),
              2u);
    EXPECT_TRUE(parse_proc_net_table("", Transport::tcp, Family::ipv4, dual_stack).empty());
}

}  // namespace
}  // namespace port_owner::linux_os
