// SPDX-License-Identifier: GPL-3.0-or-later
// The .socket unit a socket's cgroup path names: a hint for when systemd cannot be asked.
#include <gtest/gtest.h>

#include "linux/socket_cgroup.hpp"

namespace port_owner::linux_os {
namespace {

TEST(SocketCgroup, UnitFromPath) {
    EXPECT_EQ(socket_unit_from_cgroup_path("/system.slice/ssh.socket"), "ssh.socket");
    EXPECT_EQ(socket_unit_from_cgroup_path("/machine.slice/x.scope/system.slice/echo@.socket"),
              "echo@.socket");
    EXPECT_EQ(socket_unit_from_cgroup_path("/system.slice/ssh.service"), "");
    EXPECT_EQ(socket_unit_from_cgroup_path("/system.slice/.socket"), "");
    EXPECT_EQ(socket_unit_from_cgroup_path("/ssh.socket/child"), "");
    EXPECT_EQ(socket_unit_from_cgroup_path(""), "");
}

// Id 0 is what the kernel reports when it has none (before Linux 5.7): no search at all.
TEST(SocketCgroup, NoIdNoPath) {
    EXPECT_EQ(cgroup_path_of_id(0), "");
}

}  // namespace
}  // namespace port_owner::linux_os
