// SPDX-License-Identifier: GPL-3.0-or-later
// The socket inode in a /proc/PID/fd link target.

#include <gtest/gtest.h>

#include <string>

#include "linux/holder_scan.hpp"

namespace port_owner::linux_os {
namespace {

TEST(SocketInodeFromLink, Table) {
    const std::pair<std::string, std::uint64_t> cases[] = {
        {"socket:[59525]", 59525},
        {"socket:[1]", 1},
        {"socket:[18446744073709551615]", 18446744073709551615ull},
        {"socket:[18446744073709551616]", 0},  // overflows 64 bits
        {"socket:[]", 0},
        {"socket:[-1]", 0},
        {"socket:[12a]", 0},
        {"socket:[12]x", 0},
        {"socket:[12", 0},
        {"socket:12]", 0},
        {"Socket:[12]", 0},
        {"pipe:[59525]", 0},
        {"anon_inode:[eventfd]", 0},
        {"/dev/null", 0},
        {"/tmp/socket:[12]", 0},
        {"", 0},
    };
    for (const auto& [link, inode] : cases) {
        SCOPED_TRACE(link);
        EXPECT_EQ(socket_inode_from_link(link), inode);
    }
}

}  // namespace
}  // namespace port_owner::linux_os
