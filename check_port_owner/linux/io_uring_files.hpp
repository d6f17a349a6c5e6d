// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace port_owner::linux_os {

// An io_uring instance keeps "fixed files" registered with it (IORING_REGISTER_FILES). A process
// can register a listening socket, close its fd, and still accept on it through the ring: the
// socket is then in no fd table, only in the ring's file table, which /proc/PID/fdinfo/RING
// lists ("UserFiles: N", then "  I: socket:[INODE]" per registered file).
constexpr std::string_view io_uring_link_target = "anon_inode:[io_uring]";

struct RingFiles {
    std::vector<std::uint64_t> socket_inodes;
    // False when the ring says it has registered files but lists none (the kernel skips the list
    // when the ring is busy): what it holds is then unknown.
    bool complete = true;
};

// Pure: the sockets an io_uring fdinfo text lists among its registered files.
RingFiles parse_io_uring_fdinfo(std::string_view fdinfo);

// Reads `fdinfo_path` (relative to `directory_fd`, e.g. "fdinfo/7" under /proc/PID). Returns 0,
// or the errno of the read.
int read_io_uring_files(int directory_fd, const char* fdinfo_path, RingFiles& files);

}  // namespace port_owner::linux_os
