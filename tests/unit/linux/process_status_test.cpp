// SPDX-License-Identifier: GPL-3.0-or-later
// /proc/PID/status: effective uid and parent pid.

#include <gtest/gtest.h>

#include <string>

#include "linux/process_identity_reader.hpp"

namespace port_owner::linux_os {
namespace {

// The head of a real /proc/PID/status (Linux 6.18), with distinct real/effective/saved/fs uids.
constexpr std::string_view real_status =
    "Name:\tpython3\n"
    "Umask:\t0022\n"
    "State:\tS (sleeping)\n"
    "Tgid:\t4242\n"
    "Ngid:\t0\n"
    "Pid:\t4242\n"
    "PPid:\t4100\n"
    "TracerPid:\t0\n"
    "Uid:\t1000\t33\t1001\t1002\n"
    "Gid:\t1000\t1000\t1000\t1000\n"
    "FDSize:\t64\n"
    "Groups:\t27 1000 \n"
    "NStgid:\t4242\n"
    "NSpid:\t4242\n"
    "VmPeak:\t   17676 kB\n";

struct Case {
    std::string why;
    std::string status;
    bool parsed;
    std::uint32_t uid;
    int ppid;
};

TEST(ParseStatus, Table) {
    const Case cases[] = {
        {"real status, effective uid is the second", std::string(real_status), true, 33, 4100},
        {"root", "Name:\tsshd\nPPid:\t1\nUid:\t0\t0\t0\t0\n", true, 0, 1},
        {"kernel thread parent 0", "PPid:\t0\nUid:\t0\t0\t0\t0\n", true, 0, 0},
        {"large uid", "PPid:\t2\nUid:\t4294967294\t4294967294\t0\t0\n", true, 4294967294u, 2},
        {"spaces instead of tabs", "PPid: 7\nUid: 5 6 7 8\n", true, 6, 7},
        {"TracerPid before PPid is not PPid", "TracerPid:\t99\nPPid:\t3\nUid:\t1\t2\t3\t4\n", true,
         2, 3},
        {"a comm that looks like a field", "Name:\tUid: 0 0\nPPid:\t3\nUid:\t1\t2\t3\t4\n", true, 2,
         3},
        {"no final newline", "PPid:\t3\nUid:\t1\t2\t3\t4", true, 2, 3},
        {"no Uid line", "Name:\tx\nPPid:\t3\n", false, 0, 0},
        {"no PPid line", "Name:\tx\nUid:\t1\t2\t3\t4\n", false, 0, 0},
        {"Uid with one number", "PPid:\t3\nUid:\t1\n", false, 0, 0},
        {"Uid not a number", "PPid:\t3\nUid:\tabc\tdef\n", false, 0, 0},
        {"effective uid not a number", "PPid:\t3\nUid:\t1\tx\t3\t4\n", false, 0, 0},
        {"PPid not a number", "PPid:\tx\nUid:\t1\t2\t3\t4\n", false, 0, 0},
        {"empty", "", false, 0, 0},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.why);
        std::uint32_t uid = 12345;
        int ppid = 12345;
        ASSERT_EQ(parse_status(c.status, uid, ppid), c.parsed);
        if (c.parsed) {
            EXPECT_EQ(uid, c.uid);
            EXPECT_EQ(ppid, c.ppid);
        }
    }
}

}  // namespace
}  // namespace port_owner::linux_os
