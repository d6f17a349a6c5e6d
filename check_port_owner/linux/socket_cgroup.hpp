// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace port_owner::linux_os {

// The .socket unit a cgroup path names as its last component (`/system.slice/ssh.socket` gives
// `ssh.socket`); empty for any other path. systemd creates a socket unit's sockets in the unit's
// own cgroup, so this hints at the unit even when systemd cannot be asked; it proves nothing.
std::string socket_unit_from_cgroup_path(std::string_view path);

// The path, relative to the cgroup2 mount, of the cgroup whose id (its directory's inode) is
// `cgroup_id` (netlink sock_diag's INET_DIAG_CGROUP_ID); empty when none is found. Searches a few
// levels only: systemd puts socket units at /system.slice/NAME.socket.
std::string cgroup_path_of_id(std::uint64_t cgroup_id);

}  // namespace port_owner::linux_os
