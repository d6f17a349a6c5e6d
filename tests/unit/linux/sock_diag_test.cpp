// SPDX-License-Identifier: GPL-3.0-or-later
// NETLINK_SOCK_DIAG: the dump request and its bytecode, and the parsing of recorded kernel replies.
//
// How the replies were recorded (Linux 6.18, x86_64): a throwaway program, run as root in
// `unshare -n` after `ip link set lo up`, opened these sockets and kept them open:
//   TCP LISTEN 0.0.0.0:8080                       inode 59525 uid 0
//   TCP LISTEN 127.0.0.1:8081 (made with fsuid 1000) inode 59526 uid 1000
//   TCP LISTEN [::]:8082 IPV6_V6ONLY=1            inode 59527
//   TCP LISTEN [::]:8083 IPV6_V6ONLY=0            inode 59528
//   TCP LISTEN [::1]:8084 IPV6_V6ONLY=1           inode 59529
//   TCP LISTEN [::ffff:127.0.0.1]:8085 V6ONLY=0   inode 59530
//   TCP LISTEN 0.0.0.0:9000                       inode 59531
//   TCP bound, not listening, 0.0.0.0:8086        inode 59532
//   UDP 127.0.0.1:5353                            inode 59533
//   UDP [::]:5354 V6ONLY=1 (made with fsuid 65534) inode 59534 uid 65534
//   UDP 0.0.0.0:9001                              inode 59535
// It then sent requests made by build_listener_dump_request() on a NETLINK_SOCK_DIAG socket and
// hex-dumped every reply datagram (recv of 64 KiB) until NLMSG_DONE/NLMSG_ERROR:
//   seq 101 tcp IPv4 ranges {8080-8081, 8083-8085}  -> tcp4_reply_0, tcp4_reply_1 (DONE)
//   seq 102 tcp IPv6 ranges {8080-8081, 8083-8085}  -> tcp6_reply_0 (then DONE)
//   seq 103 tcp IPv6 no filter                      -> tcp6_all_reply_0 (then DONE)
//   seq 104 udp IPv4 ranges {53, 5353-5354, 6000-6010} -> udp4_reply_0 (then DONE)
//   seq 105 udp IPv6 ranges {5354}                  -> udp6_reply_0 (then DONE)
//   seq 106 tcp IPv4 ranges {9000}                  -> tcp4_one_range_reply_0 (then DONE)
//   seq 107 tcp IPv4 ranges {80}, with the first op's `no` changed to 3 -> bad_bytecode_reply_0
// So the kernel accepted filters of 1, 2 and 3 ranges and applied them: 8082, 8086, 9000 and 9001
// are absent where the filter excludes them. Inodes and the netlink port id (9841) are those of
// that run.

#include <gtest/gtest.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "linux/sock_diag_reply.hpp"
#include "linux/sock_diag_request.hpp"

namespace port_owner::linux_os {
namespace {

// clang-format off
constexpr std::uint8_t tcp4_reply_0[] = {
    0x7c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x65, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x1f, 0x91, 0x00, 0x00,
    0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb0, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0xe8, 0x03, 0x00, 0x00,
    0x86, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00,
    0x52, 0x00, 0x00, 0x00, 0x7c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00,
    0x65, 0x00, 0x00, 0x00, 0x71, 0x26, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00,
    0x1f, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xb1, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x85, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x16, 0x00, 0x52, 0x00, 0x00, 0x00,
};

constexpr std::uint8_t tcp4_reply_1[] = {
    0x14, 0x00, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x65, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

constexpr std::uint8_t tcp6_reply_0[] = {
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x66, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x1f, 0x94, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb2, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x89, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00, 0x12, 0x00, 0x00, 0x00,
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x66, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x1f, 0x95, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
    0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb3, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x8a, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00, 0x12, 0x00, 0x00, 0x00,
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x66, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x1f, 0x93, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb4, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x88, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00, 0x12, 0x00, 0x00, 0x00,
};

constexpr std::uint8_t tcp6_all_reply_0[] = {
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x67, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x1f, 0x94, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb2, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x89, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00, 0x12, 0x00, 0x00, 0x00,
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x67, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x1f, 0x95, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
    0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb3, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x8a, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00, 0x12, 0x00, 0x00, 0x00,
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x67, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x1f, 0x92, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb5, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x87, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00, 0x12, 0x00, 0x00, 0x00,
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x67, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x0a, 0x0a, 0x00, 0x00, 0x1f, 0x93, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb4, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x88, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00, 0x12, 0x00, 0x00, 0x00,
};

constexpr std::uint8_t udp4_reply_0[] = {
    0x7c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x68, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x02, 0x07, 0x00, 0x00, 0x14, 0xe9, 0x00, 0x00,
    0x7f, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb6, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x8d, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00,
    0x50, 0x00, 0x00, 0x00,
};

constexpr std::uint8_t udp6_reply_0[] = {
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x69, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x0a, 0x07, 0x00, 0x00, 0x14, 0xea, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb7, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfe, 0xff, 0x00, 0x00,
    0x8e, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x05, 0x00, 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08, 0x00, 0x0f, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00, 0x10, 0x00, 0x00, 0x00,
};

constexpr std::uint8_t tcp4_one_range_reply_0[] = {
    0x7c, 0x00, 0x00, 0x00, 0x14, 0x00, 0x02, 0x00, 0x6a, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x23, 0x28, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xb8, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x8b, 0xe8, 0x00, 0x00, 0x05, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x08, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x15, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x16, 0x00,
    0x52, 0x00, 0x00, 0x00,
};

constexpr std::uint8_t bad_bytecode_reply_0[] = {
    0x70, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x6b, 0x00, 0x00, 0x00,
    0x71, 0x26, 0x00, 0x00, 0xea, 0xff, 0xff, 0xff, 0x5c, 0x00, 0x00, 0x00,
    0x14, 0x00, 0x01, 0x03, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x06, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00,
    0x02, 0x08, 0x03, 0x00, 0x00, 0x00, 0x50, 0x00, 0x03, 0x08, 0x0c, 0x00,
    0x00, 0x00, 0x50, 0x00,
};

// The request of seq 104 exactly as it was sent (the kernel answered it with udp4_reply_0).
constexpr std::uint8_t request_udp4_three_ranges[] = {
    0x84, 0x00, 0x00, 0x00, 0x14, 0x00, 0x01, 0x03, 0x68, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x11, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x3c, 0x00, 0x01, 0x00, 0x02, 0x08, 0x14, 0x00, 0x00, 0x00, 0x35, 0x00,
    0x03, 0x08, 0x0c, 0x00, 0x00, 0x00, 0x35, 0x00, 0x01, 0x04, 0x28, 0x00,
    0x02, 0x08, 0x14, 0x00, 0x00, 0x00, 0xe9, 0x14, 0x03, 0x08, 0x0c, 0x00,
    0x00, 0x00, 0xea, 0x14, 0x01, 0x04, 0x14, 0x00, 0x02, 0x08, 0x14, 0x00,
    0x00, 0x00, 0x70, 0x17, 0x03, 0x08, 0x0c, 0x00, 0x00, 0x00, 0x7a, 0x17,
};
// clang-format on

// Copies into a buffer of exactly the datagram's size, so a read past the end is a heap overflow
// that sanitizers and valgrind report.
std::vector<Listener> parse(std::span<const std::uint8_t> bytes, Transport transport,
                            std::uint32_t sequence, ReplyProgress* progress = nullptr) {
    const std::vector<std::uint8_t> datagram(bytes.begin(), bytes.end());
    std::vector<Listener> listeners;
    const auto result = parse_sock_diag_datagram(datagram, transport, sequence, listeners);
    if (progress != nullptr) {
        *progress = result;
    }
    return listeners;
}

struct Expected {
    std::string address;
    std::uint16_t port;
    std::uint64_t inode;
    std::uint32_t uid;
    bool v6only;
    Family family;
};

void expect_listeners(const std::vector<Listener>& listeners, Transport transport,
                      const std::vector<Expected>& expected) {
    ASSERT_EQ(listeners.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(listeners[i].transport, transport);
        EXPECT_EQ(listeners[i].address.to_string(), expected[i].address);
        EXPECT_EQ(listeners[i].address.family(), expected[i].family);
        EXPECT_EQ(listeners[i].port, expected[i].port);
        EXPECT_EQ(listeners[i].inode, expected[i].inode);
        EXPECT_EQ(listeners[i].socket_uid, expected[i].uid);
        EXPECT_EQ(listeners[i].v6only, expected[i].v6only);
    }
}

TEST(SockDiagReply, Tcp4) {
    ReplyProgress progress;
    const auto listeners = parse(tcp4_reply_0, Transport::tcp, 101, &progress);
    EXPECT_FALSE(progress.done);
    EXPECT_EQ(progress.error, 0);
    expect_listeners(listeners, Transport::tcp,
                     {{"127.0.0.1", 8081, 59526, 1000, false, Family::ipv4},
                      {"0.0.0.0", 8080, 59525, 0, false, Family::ipv4}});
}

// Every socket of the recording was made by one program, so in one cgroup: the kernel reports it
// (INET_DIAG_CGROUP_ID) for IPv4 and IPv6 alike.
TEST(SockDiagReply, CgroupOfTheSocket) {
    const auto v4 = parse(tcp4_reply_0, Transport::tcp, 101);
    const auto v6 = parse(tcp6_reply_0, Transport::tcp, 102);
    ASSERT_FALSE(v4.empty());
    ASSERT_FALSE(v6.empty());
    EXPECT_NE(v4.front().cgroup_id, 0u);
    for (const auto& listener : v4) {
        EXPECT_EQ(listener.cgroup_id, v4.front().cgroup_id);
    }
    for (const auto& listener : v6) {
        EXPECT_EQ(listener.cgroup_id, v4.front().cgroup_id);
    }
}

TEST(SockDiagReply, DoneDatagram) {
    ReplyProgress progress;
    EXPECT_TRUE(parse(tcp4_reply_1, Transport::tcp, 101, &progress).empty());
    EXPECT_TRUE(progress.done);
    EXPECT_EQ(progress.error, 0);
}

TEST(SockDiagReply, Tcp6FilteredWithV6onlyAndMappedAddress) {
    expect_listeners(parse(tcp6_reply_0, Transport::tcp, 102), Transport::tcp,
                     {{"::1", 8084, 59529, 0, true, Family::ipv6},
                      {"127.0.0.1", 8085, 59530, 0, false, Family::ipv4},
                      {"::", 8083, 59528, 0, false, Family::ipv6}});
}

TEST(SockDiagReply, Tcp6Unfiltered) {
    expect_listeners(parse(tcp6_all_reply_0, Transport::tcp, 103), Transport::tcp,
                     {{"::1", 8084, 59529, 0, true, Family::ipv6},
                      {"127.0.0.1", 8085, 59530, 0, false, Family::ipv4},
                      {"::", 8082, 59527, 0, true, Family::ipv6},
                      {"::", 8083, 59528, 0, false, Family::ipv6}});
}

TEST(SockDiagReply, Udp) {
    expect_listeners(parse(udp4_reply_0, Transport::udp, 104), Transport::udp,
                     {{"127.0.0.1", 5353, 59533, 0, false, Family::ipv4}});
    expect_listeners(parse(udp6_reply_0, Transport::udp, 105), Transport::udp,
                     {{"::", 5354, 59534, 65534, true, Family::ipv6}});
    expect_listeners(parse(tcp4_one_range_reply_0, Transport::tcp, 106), Transport::tcp,
                     {{"0.0.0.0", 9000, 59531, 0, false, Family::ipv4}});
}

TEST(SockDiagReply, ErrorDatagram) {
    ReplyProgress progress;
    EXPECT_TRUE(parse(bad_bytecode_reply_0, Transport::tcp, 107, &progress).empty());
    EXPECT_TRUE(progress.done);
    EXPECT_EQ(progress.error, EINVAL);
}

TEST(SockDiagReply, OtherSequenceNumbersAreIgnored) {
    ReplyProgress progress;
    EXPECT_TRUE(parse(tcp4_reply_0, Transport::tcp, 999, &progress).empty());
    EXPECT_FALSE(progress.done);
    parse(tcp4_reply_1, Transport::tcp, 999, &progress);
    EXPECT_FALSE(progress.done);
    parse(bad_bytecode_reply_0, Transport::tcp, 999, &progress);
    EXPECT_FALSE(progress.done);
    EXPECT_EQ(progress.error, 0);
}

TEST(SockDiagReply, AppendsToWhatIsThere) {
    std::vector<Listener> listeners(1);
    parse_sock_diag_datagram(tcp4_reply_0, Transport::tcp, 101, listeners);
    EXPECT_EQ(listeners.size(), 3u);
}

std::vector<std::uint8_t> bytes_of(std::span<const std::uint8_t> data) {
    return {data.begin(), data.end()};
}

template <typename T>
void store(std::vector<std::uint8_t>& bytes, std::size_t offset, T value) {
    std::memcpy(bytes.data() + offset, &value, sizeof(value));
}

// The occupant form keeps what the listener form leaves out: the state and the other end. A
// recorded IPv4 listener message turned into a connection 127.0.0.1:8081 -> 10.1.2.3:443.
TEST(SockDiagReply, OccupantFormKeepsStateAndOtherEnd) {
    auto reply = bytes_of(tcp4_one_range_reply_0);
    const std::size_t message = NLMSG_HDRLEN;
    reply[message + offsetof(inet_diag_msg, idiag_state)] = TCP_ESTABLISHED;
    const std::uint16_t remote_port = htons(443);
    store(reply, message + offsetof(inet_diag_msg, id) + offsetof(inet_diag_sockid, idiag_dport),
          remote_port);
    const std::uint8_t remote[4] = {10, 1, 2, 3};
    std::memcpy(reply.data() + message + offsetof(inet_diag_msg, id) +
                    offsetof(inet_diag_sockid, idiag_dst),
                remote, sizeof(remote));
    std::vector<DiagSocket> sockets;
    const auto progress = parse_sock_diag_datagram(reply, Transport::tcp, 106, sockets);
    EXPECT_FALSE(progress.malformed);
    ASSERT_EQ(sockets.size(), 1u);
    EXPECT_EQ(sockets[0].local.port, 9000);
    EXPECT_EQ(sockets[0].local.address.to_string(), "0.0.0.0");
    EXPECT_EQ(sockets[0].state, TCP_ESTABLISHED);
    EXPECT_EQ(sockets[0].remote_port, 443);
    EXPECT_EQ(sockets[0].remote_address.to_string(), "10.1.2.3");
    // The listener form of the same bytes is the same local end.
    const auto listeners = parse(reply, Transport::tcp, 106);
    ASSERT_EQ(listeners.size(), 1u);
    EXPECT_EQ(listeners[0].inode, sockets[0].local.inode);
}

TEST(SockDiagReply, ShortErrorAndAckMessages) {
    // NLMSG_ERROR without room for the error code.
    std::vector<std::uint8_t> short_error(NLMSG_HDRLEN, 0);
    store<std::uint32_t>(short_error, 0, NLMSG_HDRLEN);
    store<std::uint16_t>(short_error, 4, NLMSG_ERROR);
    store<std::uint32_t>(short_error, 8, 7);
    ReplyProgress progress;
    parse(short_error, Transport::tcp, 7, &progress);
    EXPECT_TRUE(progress.done);
    EXPECT_NE(progress.error, 0);

    // NLMSG_ERROR with error 0 is an acknowledgement.
    auto ack = bytes_of(bad_bytecode_reply_0);
    store<std::int32_t>(ack, NLMSG_HDRLEN, 0);
    parse(ack, Transport::tcp, 107, &progress);
    EXPECT_TRUE(progress.done);
    EXPECT_EQ(progress.error, 0);
}

TEST(SockDiagReply, MalformedErrorCodesAreProtocolErrors) {
    // Found by fuzzing: INT_MIN cannot be negated; a positive code is not an errno either.
    for (const std::int32_t code : {std::numeric_limits<std::int32_t>::min(), 5, -5000}) {
        SCOPED_TRACE(code);
        auto reply = bytes_of(bad_bytecode_reply_0);
        store<std::int32_t>(reply, NLMSG_HDRLEN, code);
        ReplyProgress progress;
        parse(reply, Transport::tcp, 107, &progress);
        EXPECT_TRUE(progress.done);
        EXPECT_EQ(progress.error, EPROTO);
    }
}

TEST(SockDiagReply, ShortMessagesAndUnknownFamiliesAreSkipped) {
    // A SOCK_DIAG_BY_FAMILY message too short for inet_diag_msg, then a recorded one.
    std::vector<std::uint8_t> bytes(NLMSG_ALIGN(NLMSG_HDRLEN + 4), 0);
    store<std::uint32_t>(bytes, 0, NLMSG_HDRLEN + 4);
    store<std::uint16_t>(bytes, 4, SOCK_DIAG_BY_FAMILY);
    store<std::uint32_t>(bytes, 8, 106);
    const auto recorded = bytes_of(tcp4_one_range_reply_0);
    bytes.insert(bytes.end(), recorded.begin(), recorded.end());
    const auto listeners = parse(bytes, Transport::tcp, 106);
    ASSERT_EQ(listeners.size(), 1u);
    EXPECT_EQ(listeners[0].port, 9000);

    auto unix_family = bytes_of(tcp4_one_range_reply_0);
    unix_family[NLMSG_HDRLEN] = AF_UNIX;  // idiag_family
    EXPECT_TRUE(parse(unix_family, Transport::tcp, 106).empty());
}

TEST(SockDiagReply, BadAttributeLengthsAreNotFollowed) {
    // The first attribute after inet_diag_msg of the first tcp6 message (v6only [::1]:8084).
    const std::size_t attribute = NLMSG_HDRLEN + sizeof(inet_diag_msg);
    for (const std::uint16_t length : {0, 1, 3, 0x100, 0xffff}) {
        SCOPED_TRACE(length);
        auto bytes = bytes_of(tcp6_reply_0);
        store<std::uint16_t>(bytes, attribute, length);
        const auto listeners = parse(bytes, Transport::tcp, 102);
        ASSERT_EQ(listeners.size(), 3u);
        EXPECT_EQ(listeners[0].port, 8084);
        EXPECT_EQ(listeners[2].port, 8083);
    }
}

TEST(SockDiagReply, BadMessageLengthsStopTheWalk) {
    for (const std::uint32_t length : {0u, 1u, 15u, 0x7du, 0xffffffffu}) {
        SCOPED_TRACE(length);
        auto bytes = bytes_of(tcp4_reply_0);
        store<std::uint32_t>(bytes, 0, length);
        ReplyProgress progress;
        const auto listeners = parse(bytes, Transport::tcp, 101, &progress);
        EXPECT_FALSE(progress.done);
        EXPECT_LE(listeners.size(), 2u);
    }
}

TEST(SockDiagReply, EveryTruncationParsesOnlyWholeMessages) {
    const std::span<const std::uint8_t> recorded[] = {tcp4_reply_0, tcp6_reply_0, tcp6_all_reply_0,
                                                      udp4_reply_0, bad_bytecode_reply_0};
    const std::uint32_t sequences[] = {101, 102, 103, 104, 107};
    for (std::size_t r = 0; r < std::size(recorded); ++r) {
        const auto whole = parse(recorded[r], Transport::tcp, sequences[r]);
        for (std::size_t size = 0; size < recorded[r].size(); ++size) {
            SCOPED_TRACE(std::to_string(r) + ": " + std::to_string(size) + " bytes");
            ReplyProgress progress;
            const auto part =
                parse(recorded[r].subspan(0, size), Transport::tcp, sequences[r], &progress);
            ASSERT_LE(part.size(), whole.size());
            for (std::size_t i = 0; i < part.size(); ++i) {
                EXPECT_EQ(part[i].inode, whole[i].inode);
                EXPECT_EQ(part[i].port, whole[i].port);
                EXPECT_EQ(part[i].v6only, whole[i].v6only);
            }
            EXPECT_FALSE(progress.done);
        }
    }
}

TEST(SockDiagReply, DatagramCutInsideAMessageIsMalformed) {
    ReplyProgress progress;
    parse(tcp4_reply_0, Transport::tcp, 101, &progress);
    EXPECT_FALSE(progress.malformed);
    parse(std::span<const std::uint8_t>(tcp4_reply_0).subspan(0, 0), Transport::tcp, 101,
          &progress);
    EXPECT_FALSE(progress.malformed);
    for (const std::size_t size : {std::size_t{1}, std::size_t{NLMSG_HDRLEN - 1},
                                   std::size_t{NLMSG_HDRLEN}, sizeof(tcp4_reply_0) - 1}) {
        SCOPED_TRACE(size);
        parse(std::span<const std::uint8_t>(tcp4_reply_0).subspan(0, size), Transport::tcp, 101,
              &progress);
        EXPECT_TRUE(progress.malformed);
        EXPECT_FALSE(progress.done);
    }
}

TEST(SockDiagReply, GarbageNeverYieldsMoreThanFits) {
    std::mt19937 random(7);  // fixed seed
    std::uniform_int_distribution<int> byte(0, 255);
    const std::size_t smallest_message = NLMSG_HDRLEN + sizeof(inet_diag_msg);
    for (int round = 0; round < 3000; ++round) {
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(round % 400));
        for (auto& b : bytes) {
            b = static_cast<std::uint8_t>(byte(random));
        }
        if (bytes.size() >= 16 && round % 2 == 0) {
            // Plausible headers reach the message parsing more often.
            store<std::uint32_t>(bytes, 0, static_cast<std::uint32_t>(bytes.size()));
            store<std::uint16_t>(bytes, 4, SOCK_DIAG_BY_FAMILY);
            store<std::uint32_t>(bytes, 8, 1);
        }
        const auto listeners = parse(bytes, Transport::udp, 1);
        EXPECT_LE(listeners.size(), bytes.size() / smallest_message);
    }
    // Every single-byte corruption of a recorded reply.
    const auto recorded = bytes_of(tcp6_all_reply_0);
    for (std::size_t i = 0; i < recorded.size(); ++i) {
        for (const std::uint8_t value : {0x00, 0xff, 0x04}) {
            auto bytes = recorded;
            bytes[i] = value;
            EXPECT_LE(parse(bytes, Transport::tcp, 103).size(), 4u) << i;
        }
    }
}

// ---- The request.

struct Op {
    std::uint8_t code;
    std::uint8_t yes;
    std::uint16_t no;
};

std::vector<Op> ops_of(const std::vector<std::uint8_t>& program) {
    std::vector<Op> ops(program.size() / sizeof(inet_diag_bc_op));
    for (std::size_t i = 0; i < ops.size(); ++i) {
        inet_diag_bc_op op;
        std::memcpy(&op, program.data() + i * sizeof(op), sizeof(op));
        ops[i] = {op.code, op.yes, op.no};
    }
    return ops;
}

bool operator==(const Op& a, const Op& b) {
    return a.code == b.code && a.yes == b.yes && a.no == b.no;
}

void PrintTo(const Op& op, std::ostream* out) {
    *out << "{" << int(op.code) << ", " << int(op.yes) << ", " << op.no << "}";
}

constexpr std::uint8_t ge = INET_DIAG_BC_S_GE;
constexpr std::uint8_t le = INET_DIAG_BC_S_LE;
constexpr std::uint8_t jmp = INET_DIAG_BC_JMP;

TEST(PortFilter, EmptyWithoutRanges) {
    EXPECT_TRUE(build_port_filter({}).empty());
}

TEST(PortFilter, OneRange) {
    const auto program = build_port_filter({{80, 90}});
    ASSERT_EQ(program.size(), 16u);
    EXPECT_EQ(ops_of(program), (std::vector<Op>{{ge, 8, 20}, {0, 0, 80}, {le, 8, 12}, {0, 0, 90}}));
}

TEST(PortFilter, TwoRanges) {
    const auto program = build_port_filter({{22, 22}, {8000, 8080}});
    ASSERT_EQ(program.size(), 36u);
    EXPECT_EQ(ops_of(program), (std::vector<Op>{{ge, 8, 20},
                                                {0, 0, 22},
                                                {le, 8, 12},
                                                {0, 0, 22},
                                                {jmp, 4, 20},  // to the end: accept
                                                {ge, 8, 20},
                                                {0, 0, 8000},
                                                {le, 8, 12},
                                                {0, 0, 8080}}));
}

TEST(PortFilter, ThreeRanges) {
    const auto program = build_port_filter({{53, 53}, {5353, 5354}, {6000, 6010}});
    ASSERT_EQ(program.size(), 56u);
    EXPECT_EQ(ops_of(program), (std::vector<Op>{{ge, 8, 20},
                                                {0, 0, 53},
                                                {le, 8, 12},
                                                {0, 0, 53},
                                                {jmp, 4, 40},
                                                {ge, 8, 20},
                                                {0, 0, 5353},
                                                {le, 8, 12},
                                                {0, 0, 5354},
                                                {jmp, 4, 20},
                                                {ge, 8, 20},
                                                {0, 0, 6000},
                                                {le, 8, 12},
                                                {0, 0, 6010}}));
}

// inet_diag_bc_audit() and inet_diag_bc_run() of net/ipv4/inet_diag.c, reduced to the ops the
// filter uses, so the structure can be checked against the kernel's rules without a socket.
bool valid_cc(const std::vector<std::uint8_t>& program, int cc) {
    int len = static_cast<int>(program.size());
    std::size_t at = 0;
    while (len >= 0) {
        if (cc > len) {
            return false;
        }
        if (cc == len) {
            return true;
        }
        const auto op = ops_of({program.begin() + static_cast<long>(at),
                                program.begin() + static_cast<long>(at) + 4})[0];
        if (op.yes < 4 || (op.yes & 3) != 0) {
            return false;
        }
        len -= op.yes;
        at += op.yes;
    }
    return false;
}

bool kernel_audit_accepts(const std::vector<std::uint8_t>& program) {
    int len = static_cast<int>(program.size());
    std::size_t at = 0;
    while (len > 0) {
        if (len < 4) {
            return false;
        }
        int min_len = 4;
        const auto op = ops_of({program.begin() + static_cast<long>(at),
                                program.begin() + static_cast<long>(at) + 4})[0];
        switch (op.code) {
            case INET_DIAG_BC_S_GE:
            case INET_DIAG_BC_S_LE:
                if (len < 8) {
                    return false;
                }
                min_len += 4;
                break;
            case INET_DIAG_BC_JMP:
                break;
            default:
                return false;
        }
        if (op.no < min_len || op.no > len + 4 || (op.no & 3) != 0) {
            return false;
        }
        if (op.no < len && !valid_cc(program, len - op.no)) {
            return false;
        }
        if (op.yes < min_len || op.yes > len + 4 || (op.yes & 3) != 0) {
            return false;
        }
        at += op.yes;
        len -= op.yes;
    }
    return len == 0;
}

bool kernel_run_accepts(const std::vector<std::uint8_t>& program, std::uint16_t port) {
    const auto ops = ops_of(program);
    int len = static_cast<int>(program.size());
    std::size_t at = 0;  // in ops
    while (len > 0) {
        const auto& op = ops.at(at);
        bool yes = true;
        if (op.code == INET_DIAG_BC_JMP) {
            yes = false;
        } else if (op.code == INET_DIAG_BC_S_GE) {
            yes = port >= ops.at(at + 1).no;
        } else if (op.code == INET_DIAG_BC_S_LE) {
            yes = port <= ops.at(at + 1).no;
        }
        const int step = yes ? op.yes : op.no;
        len -= step;
        at += static_cast<std::size_t>(step) / 4;
    }
    return len == 0;
}

TEST(PortFilter, KernelRulesAcceptItAndItKeepsExactlyThePortsInRange) {
    const std::vector<std::vector<PortRange>> cases{
        {{80, 80}},
        {{1, 65535}},
        {{22, 22}, {8000, 8080}},
        {{53, 53}, {5353, 5354}, {6000, 6010}},
        {{1, 1}, {3, 3}, {5, 5}, {7, 7}, {65535, 65535}},
    };
    for (const auto& ranges : cases) {
        const auto program = build_port_filter(ranges);
        SCOPED_TRACE(ranges.size());
        EXPECT_TRUE(kernel_audit_accepts(program));
        for (std::uint32_t port = 0; port <= 65535; ++port) {
            const bool wanted = std::any_of(ranges.begin(), ranges.end(), [&](const auto& range) {
                return range.contains(static_cast<std::uint16_t>(port));
            });
            if (kernel_run_accepts(program, static_cast<std::uint16_t>(port)) != wanted) {
                ADD_FAILURE() << "port " << port << " wanted " << wanted;
                break;
            }
        }
    }
}

// Scattered single ports 2, 4, 6, ...: no two merge.
std::vector<PortRange> scattered_ranges(std::size_t count) {
    std::vector<PortRange> ranges;
    for (std::size_t i = 0; i < count; ++i) {
        const auto port = static_cast<std::uint16_t>(2 * (i + 1));
        ranges.push_back({port, port});
    }
    return ranges;
}

TEST(PortFilter, TheLargestProgramFitsTheKernelsLimits) {
    const auto ranges = scattered_ranges(max_kernel_filter_ranges);
    const auto program = build_port_filter(ranges);
    ASSERT_FALSE(program.empty());
    // INET_DIAG_REQ_BYTECODE is an nlattr: its 16-bit length counts the header too.
    EXPECT_LE(NLA_HDRLEN + program.size(), 0xffffu);
    EXPECT_TRUE(kernel_audit_accepts(program));
    for (const std::uint16_t port : {1, 2, 3, 1024, 2047, 2048, 2049, 65535}) {
        EXPECT_EQ(kernel_run_accepts(program, port), port % 2 == 0 && port <= 2048) << port;
    }
}

TEST(PortFilter, MoreRangesThanOneProgramHoldsGiveNoFilter) {
    for (const std::size_t count :
         {max_kernel_filter_ranges + 1, std::size_t{3277}, std::size_t{10000}}) {
        SCOPED_TRACE(count);
        const auto ranges = scattered_ranges(count);
        EXPECT_TRUE(build_port_filter(ranges).empty());
        const auto message = build_listener_dump_request(Transport::tcp, Family::ipv4, ranges, 1);
        EXPECT_EQ(message.size(), NLMSG_LENGTH(sizeof(inet_diag_req_v2)));
        nlmsghdr header;
        std::memcpy(&header, message.data(), sizeof(header));
        EXPECT_EQ(header.nlmsg_len, message.size());
    }
}

TEST(PortFilter, TheModelAuditRejectsTheRecordedBadProgram) {
    // The program the kernel answered with EINVAL (bad_bytecode_reply_0): the same check here.
    auto program = build_port_filter({{80, 80}});
    program[2] = 3;
    EXPECT_FALSE(kernel_audit_accepts(program));
}

TEST(DumpRequest, HeaderAndRequest) {
    struct Case {
        Transport transport;
        Family family;
        std::uint8_t af;
        std::uint8_t protocol;
        std::uint32_t states;
    };
    const Case cases[] = {
        {Transport::tcp, Family::ipv4, AF_INET, IPPROTO_TCP, 1u << TCP_LISTEN},
        {Transport::tcp, Family::ipv6, AF_INET6, IPPROTO_TCP, 1u << TCP_LISTEN},
        // UDP: every state, connected (ESTABLISHED) or not (CLOSE).
        {Transport::udp, Family::ipv4, AF_INET, IPPROTO_UDP, ~0u},
        {Transport::udp, Family::ipv6, AF_INET6, IPPROTO_UDP, ~0u},
    };
    for (const auto& c : cases) {
        for (const auto& ranges : std::vector<std::vector<PortRange>>{
                 {}, {{80, 80}}, {{80, 80}, {443, 443}}, {{1, 2}, {3, 4}, {5, 6}}}) {
            SCOPED_TRACE(std::to_string(c.af) + "/" + std::to_string(c.protocol) + " ranges " +
                         std::to_string(ranges.size()));
            const auto message = build_listener_dump_request(c.transport, c.family, ranges, 4711);
            const auto filter = build_port_filter(ranges);
            const std::size_t base = NLMSG_LENGTH(sizeof(inet_diag_req_v2));
            ASSERT_EQ(message.size(),
                      base + (filter.empty() ? 0 : NLA_ALIGN(NLA_HDRLEN + filter.size())));
            EXPECT_EQ(message.size() % 4, 0u);

            nlmsghdr header;
            std::memcpy(&header, message.data(), sizeof(header));
            EXPECT_EQ(header.nlmsg_len, message.size());
            EXPECT_EQ(header.nlmsg_type, SOCK_DIAG_BY_FAMILY);
            EXPECT_EQ(header.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
            EXPECT_EQ(header.nlmsg_seq, 4711u);

            inet_diag_req_v2 request;
            std::memcpy(&request, message.data() + NLMSG_HDRLEN, sizeof(request));
            EXPECT_EQ(request.sdiag_family, c.af);
            EXPECT_EQ(request.sdiag_protocol, c.protocol);
            EXPECT_EQ(request.idiag_states, c.states);
            EXPECT_EQ(request.idiag_ext, 0);

            if (!filter.empty()) {
                nlattr attribute;
                std::memcpy(&attribute, message.data() + base, sizeof(attribute));
                EXPECT_EQ(attribute.nla_type, INET_DIAG_REQ_BYTECODE);
                EXPECT_EQ(attribute.nla_len, NLA_HDRLEN + filter.size());
                EXPECT_TRUE(std::equal(filter.begin(), filter.end(),
                                       message.begin() + static_cast<long>(base + NLA_HDRLEN)));
            }
        }
    }
}

// Occupants: every TCP state but LISTEN, plus the bound-only sockets' own bit (Linux 6.7).
TEST(DumpRequest, OccupantRequestAsksForEveryStateButListen) {
    for (const auto family : {Family::ipv4, Family::ipv6}) {
        const auto message = build_occupant_dump_request(family, {{8080, 8080}}, 9);
        const auto listener_form =
            build_listener_dump_request(Transport::tcp, family, {{8080, 8080}}, 9);
        ASSERT_EQ(message.size(), listener_form.size());
        inet_diag_req_v2 request;
        std::memcpy(&request, message.data() + NLMSG_HDRLEN, sizeof(request));
        EXPECT_EQ(request.sdiag_protocol, IPPROTO_TCP);
        EXPECT_EQ(request.idiag_states & (1u << TCP_LISTEN), 0u);
        for (const unsigned state : std::initializer_list<unsigned>{
                 TCP_ESTABLISHED, TCP_SYN_SENT, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT,
                 TCP_FIN_WAIT2, tcp_bound_inactive}) {
            EXPECT_NE(request.idiag_states & (1u << state), 0u) << state;
        }
        // Apart from the states, the same request as for listeners (the same port filter).
        std::vector<std::uint8_t> states_cleared = message;
        std::memcpy(states_cleared.data() + NLMSG_HDRLEN + offsetof(inet_diag_req_v2, idiag_states),
                    listener_form.data() + NLMSG_HDRLEN + offsetof(inet_diag_req_v2, idiag_states),
                    sizeof(std::uint32_t));
        EXPECT_EQ(states_cleared, listener_form);
    }
}

TEST(DumpRequest, SameBytesAsTheRequestTheKernelAccepted) {
    const auto message = build_listener_dump_request(Transport::udp, Family::ipv4,
                                                     {{53, 53}, {5353, 5354}, {6000, 6010}}, 104);
    // Recorded when UDP dumps asked for state CLOSE only; they now ask for every state (the
    // integration tests run such requests), the rest is unchanged.
    std::vector<std::uint8_t> expected(std::begin(request_udp4_three_ranges),
                                       std::end(request_udp4_three_ranges));
    const std::uint32_t every_state = ~0u;
    std::memcpy(expected.data() + NLMSG_HDRLEN + offsetof(inet_diag_req_v2, idiag_states),
                &every_state, sizeof(every_state));
    EXPECT_EQ(message, expected);
}

}  // namespace
}  // namespace port_owner::linux_os
