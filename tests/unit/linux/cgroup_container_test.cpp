// SPDX-License-Identifier: GPL-3.0-or-later
// The container of a process, from the text of /proc/PID/cgroup.

#include <gtest/gtest.h>

#include <string>

#include "linux/cgroup_container.hpp"

namespace port_owner::linux_os {
namespace {

const std::string id = "3f2a9c1b2d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd";

struct Case {
    std::string why;
    std::string cgroup;
    std::string engine;  // "" when no container
};

TEST(ContainerFromCgroup, Table) {
    const Case cases[] = {
        {"docker, systemd driver", "0::/system.slice/docker-" + id + ".scope\n", "docker"},
        {"docker, cgroupfs driver", "0::/docker/" + id + "\n", "docker"},
        {"docker, cgroup v1", "12:pids:/docker/" + id + "\n1:name=systemd:/docker/" + id + "\n",
         "docker"},
        {"podman", "0::/machine.slice/libpod-" + id + ".scope/container\n", "podman"},
        {"podman, cgroupfs driver", "0::/libpod_parent/libpod-" + id + "\n", "podman"},
        {"rootless podman",
         "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + id + ".scope\n",
         "podman"},
        {"conmon is on the host's side", "0::/machine.slice/libpod-conmon-" + id + ".scope\n", ""},
        {"the daemon itself", "0::/system.slice/docker.service\n", ""},
        {"short id", "0::/system.slice/docker-3f2a9c1b.scope\n", ""},
        {"upper-case id", "0::/docker/" + std::string(64, 'A') + "\n", ""},
        {"id not under docker", "0::/other/" + id + "\n", ""},
        {"host service", "0::/system.slice/nginx.service\n", ""},
        {"empty", "", ""},
    };
    for (const auto& c : cases) {
        const auto container = container_from_cgroup(c.cgroup);
        if (c.engine.empty()) {
            EXPECT_FALSE(container) << c.why;
            continue;
        }
        ASSERT_TRUE(container) << c.why;
        EXPECT_EQ(container->engine, c.engine) << c.why;
        EXPECT_EQ(container->id, id) << c.why;
        EXPECT_TRUE(container->name.empty()) << c.why;
    }
}

TEST(ContainerFromCgroup, OutermostContainerWins) {
    const std::string inner(64, 'b');
    const auto container =
        container_from_cgroup("0::/system.slice/docker-" + id + ".scope/docker/" + inner + "\n");
    ASSERT_TRUE(container);
    EXPECT_EQ(container->id, id);
}

}  // namespace
}  // namespace port_owner::linux_os

namespace port_owner::linux_os {
namespace {

TEST(FindContainerCgroup, GivesTheContainersDirectory) {
    const std::string id(64, 'c');
    const auto found = find_container_cgroup("0::/system.slice/docker-" + id + ".scope/init\n");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->directory, "/system.slice/docker-" + id + ".scope");
    const auto cgroupfs = find_container_cgroup("0::/docker/" + id + "\n");
    ASSERT_TRUE(cgroupfs);
    EXPECT_EQ(cgroupfs->directory, "/docker/" + id);
}

}  // namespace
}  // namespace port_owner::linux_os
