// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace port_owner::linux_os {

// The systemd unit a process runs in, from the text of /proc/PID/cgroup: the last path component
// of the unified (`0::`) hierarchy, or of the systemd named hierarchy, that ends in `.service` or
// `.scope` (`0::/system.slice/nginx.service` gives `nginx.service`; a user's service inside
// `user@1000.service/app.slice/x.service` gives `x.service`). Empty when there is none.
std::string unit_from_cgroup(std::string_view cgroup_text);

// That unit and where its cgroup is: `directory`, the path up to and including the unit's
// component (as /proc/PID/cgroup writes it, from the hierarchy's root), in the unified hierarchy
// or (`unified` false) in systemd's named one. Whoever owns that directory made the unit: a
// user's systemd --user, or the user by hand, makes units in the subtree delegated to them.
struct CgroupUnit {
    std::string unit;
    std::string directory;
    bool unified = false;
};
CgroupUnit unit_cgroup_from_cgroup(std::string_view cgroup_text);

}  // namespace port_owner::linux_os
