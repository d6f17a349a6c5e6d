// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// Reads who a process is from its /proc/PID directory, given as an open directory fd: a dirfd
// stays bound to that one process, so if it exits and its pid is reused the reads fail instead of
// describing the newcomer. Returns nullopt when the process is gone. The user name is left empty:
// the scan runs on several threads and NSS lookups are done once, afterwards, by the caller.
std::optional<ProcessIdentity> read_process_identity(int pid, int pid_directory_fd);

// Pure parsing of /proc/PID/status: effective uid and parent pid. False when a field is missing.
bool parse_status(std::string_view status, std::uint32_t& effective_uid, int& parent_pid);

}  // namespace port_owner::linux_os
