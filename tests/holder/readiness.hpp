// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace port_holder {

// The line a ready holder announces: "ready MASTER_PID [WORKER_PID]...\n". The pids let a test
// name every process that holds the sockets.
std::string readiness_line(pid_t master, const std::vector<pid_t>& workers);

// Writes `line` to `fd`, then closes it, so that a reader waiting for the line, or for end of
// file, wakes up. Throws std::system_error.
void announce_on_fd(int fd, const std::string& line);

// Writes `line` to a temporary file next to `path` and renames it to `path`, so that a reader
// polling for `path` never sees a partial file. Throws std::system_error.
void announce_in_file(const std::string& path, const std::string& line);

}  // namespace port_holder
