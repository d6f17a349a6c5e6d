// SPDX-License-Identifier: GPL-3.0-or-later
// The registered files of an io_uring instance, as /proc/PID/fdinfo/RING lists them.

#include <gtest/gtest.h>

#include "linux/io_uring_files.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::string_view kFdinfoHead =
    "pos:\t0\nflags:\t02000002\nmnt_id:\t17\nino:\t2185342\nSqHead:\t0\nSqTail:\t0\n"
    "SqThread:\t-1\n";

TEST(IoUringFdinfo, ListsTheRegisteredSockets) {
    const std::string fdinfo = std::string(kFdinfoHead) +
                               "UserFiles:\t3\n"
                               "    0: socket:[2185343]\n"
                               "    1: /var/log/syslog\n"
                               "    2: socket:[77]\n"
                               "UserBufs:\t0\nPollList:\n";
    const auto files = parse_io_uring_fdinfo(fdinfo);
    EXPECT_TRUE(files.complete);
    EXPECT_EQ(files.socket_inodes, (std::vector<std::uint64_t>{2185343, 77}));
}

TEST(IoUringFdinfo, NoRegisteredFiles) {
    const auto files = parse_io_uring_fdinfo(std::string(kFdinfoHead) + "UserFiles:\t0\n");
    EXPECT_TRUE(files.complete);
    EXPECT_TRUE(files.socket_inodes.empty());
}

// The kernel leaves the list out when the ring is busy: then nothing can be said.
TEST(IoUringFdinfo, RegisteredButNotListedIsIncomplete) {
    const auto files =
        parse_io_uring_fdinfo(std::string(kFdinfoHead) + "UserFiles:\t2\nUserBufs:\t0\n");
    EXPECT_FALSE(files.complete);
}

TEST(IoUringFdinfo, AFileNamedLikeASocketIsNotOne) {
    const auto files = parse_io_uring_fdinfo(
        "UserFiles:\t2\n    0: /tmp/socket:[12]x\n    1: /tmp/socket:[13]\nUserBufs:\t0\n");
    EXPECT_TRUE(files.complete);
    EXPECT_TRUE(files.socket_inodes.empty());
}

}  // namespace
}  // namespace port_owner::linux_os
