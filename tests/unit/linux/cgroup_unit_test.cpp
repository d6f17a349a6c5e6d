// SPDX-License-Identifier: GPL-3.0-or-later
// The systemd unit of a process, from the text of /proc/PID/cgroup.

#include <gtest/gtest.h>

#include <string>

#include "linux/cgroup_unit.hpp"

namespace port_owner::linux_os {
namespace {

struct Case {
    std::string why;
    std::string cgroup;
    std::string unit;
};

TEST(UnitFromCgroup, Table) {
    const Case cases[] = {
        {"system service", "0::/system.slice/nginx.service\n", "nginx.service"},
        {"no final newline", "0::/system.slice/nginx.service", "nginx.service"},
        {"templated service", "0::/system.slice/system-getty.slice/getty@tty1.service\n",
         "getty@tty1.service"},
        {"sub-cgroup of a service", "0::/system.slice/nginx.service/workers\n", "nginx.service"},
        {"user service inside user@.service",
         "0::/user.slice/user-1000.slice/user@1000.service/app.slice/x.service\n", "x.service"},
        {"session scope", "0::/user.slice/user-1000.slice/session-2.scope\n", "session-2.scope"},
        {"init scope", "0::/init.scope\n", "init.scope"},
        {"container scope", "0::/system.slice/docker-0123456789abcdef.scope\n",
         "docker-0123456789abcdef.scope"},
        {"short service name", "0::/system.slice/a.service\n", "a.service"},
        {"short scope name", "0::/system.slice/ab.scope\n", "ab.scope"},
        {"one-letter scope name", "0::/x.scope\n", "x.scope"},
        {"root cgroup", "0::/\n", ""},
        {"slice only", "0::/system.slice\n", ""},
        {"bare suffix is no unit", "0::/system.slice/.service\n", ""},
        {"bare scope suffix is no unit", "0::/system.slice/.scope\n", ""},
        {"empty", "", ""},
        {"cgroup v1 named systemd hierarchy",
         "12:pids:/system.slice/ssh.service\n11:memory:/system.slice/ssh.service\n"
         "1:name=systemd:/system.slice/ssh.service\n",
         "ssh.service"},
        {"v1 controllers alone do not count", "4:memory:/system.slice/ssh.service\n", ""},
        {"hybrid: unified root, named hierarchy has the unit",
         "1:name=systemd:/system.slice/cron.service\n0::/\n", "cron.service"},
        {"hybrid: unified wins",
         "1:name=systemd:/system.slice/a.service\n0::/system.slice/b.service\n", "b.service"},
        {"garbage lines are skipped", "garbage\n\n:\n0::/system.slice/a.service\n", "a.service"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.why);
        EXPECT_EQ(unit_from_cgroup(c.cgroup), c.unit);
    }
}

TEST(UnitCgroupFromCgroup, WhereTheUnitsCgroupIs) {
    // The unit's own directory, not the process's: below it, a service may delegate.
    auto found = unit_cgroup_from_cgroup("0::/system.slice/nginx.service/workers\n");
    EXPECT_EQ(found.unit, "nginx.service");
    EXPECT_EQ(found.directory, "/system.slice/nginx.service");
    EXPECT_TRUE(found.unified);
    found = unit_cgroup_from_cgroup(
        "0::/user.slice/user-1000.slice/user@1000.service/app.slice/nginx.service\n");
    EXPECT_EQ(found.unit, "nginx.service");
    EXPECT_EQ(found.directory,
              "/user.slice/user-1000.slice/user@1000.service/app.slice/nginx.service");
    found = unit_cgroup_from_cgroup("1:name=systemd:/system.slice/cron.service\n0::/\n");
    EXPECT_EQ(found.unit, "cron.service");
    EXPECT_EQ(found.directory, "/system.slice/cron.service");
    EXPECT_FALSE(found.unified);
    found = unit_cgroup_from_cgroup("0::/x.scope\n");
    EXPECT_EQ(found.directory, "/x.scope");
    found = unit_cgroup_from_cgroup("0::/system.slice\n");
    EXPECT_EQ(found.unit, "");
    EXPECT_EQ(found.directory, "");
}

}  // namespace
}  // namespace port_owner::linux_os
