#pragma once

#include <optional>

#include "core/socket_model.hpp"
#include "linux/user_names.hpp"

namespace port_owner::linux_os {

// Reads who a process is from its /proc/PID directory, given as an open directory fd: a dirfd
// stays bound to that one process, so if it exits and its pid is reused the reads fail instead of
// describing the newcomer. Returns nullopt when the process is gone.
class ProcessIdentityReader {
  public:
    explicit ProcessIdentityReader(UserNames& user_names) : user_names_(user_names) {}

    std::optional<ProcessIdentity> read(int pid, int pid_directory_fd);

  private:
    UserNames& user_names_;
};

// Pure parsing of /proc/PID/status: effective uid and parent pid. False when a field is missing.
bool parse_status(std::string_view status, std::uint32_t& effective_uid, int& parent_pid);

}  // namespace port_owner::linux_os
