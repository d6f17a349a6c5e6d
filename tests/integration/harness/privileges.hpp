// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "child_process.hpp"

#include <filesystem>
#include <string>

namespace integration {

// The unprivileged user the monitoring system's plugins would run as: `nobody`, with group
// `nogroup` (Debian) or else nobody's primary group. Throws std::runtime_error if there is none.
ChildIdentity nobody();

// chmod; throws std::system_error.
void set_mode(const std::filesystem::path& path, unsigned mode);

// Grants `cap_dac_read_search,cap_sys_ptrace=p` to the file, exactly what
// `setcap cap_dac_read_search,cap_sys_ptrace=p FILE` (and the package's postinst) writes: the
// security.capability extended attribute, permitted set only, effective bit clear. Throws
// std::system_error.
void grant_plugin_capabilities(const std::filesystem::path& executable);

// chown root:root, chmod 4755. Throws std::system_error.
void make_setuid_root(const std::filesystem::path& executable);

// Throws std::runtime_error naming the mount if the file system holding `path` is mounted nosuid:
// there, neither setuid bits nor file capabilities take effect, and a test relying on them would
// prove nothing.
void require_privilege_granting_file_system(const std::filesystem::path& path);

// The whole content of a file (read with the test's own rights, i.e. root's). Throws
// std::system_error.
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace integration
