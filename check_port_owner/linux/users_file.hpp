// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {

// The home directory of `uid` in the user database; nullopt when it has none (or not an absolute
// path).
std::optional<std::string> home_directory_of(std::uint32_t uid);

// A file a user keeps (a rootless container engine's state in their home), opened for reading as
// that user's word and nobody else's: the last component of `path` must not be a symlink (a user
// must not make the plugin read another file, root's among them, in its place), and the file must
// be a regular file owned by `uid` (a hard link to another's file is refused too), of at most
// `largest` bytes. O_NONBLOCK, so that a FIFO put there does not hang the check. Opened with the
// plugin's scan capabilities (the file is usually the user's alone).
struct UsersFile {
    UniqueFd fd;
    off_t size = 0;
    // When fd is not valid: the errno of open() (ENOENT: there is none), or 0 when the file was
    // refused for what it is.
    int error = 0;
};
UsersFile open_users_file(const std::string& path, std::uint32_t uid, off_t largest);

// The whole of such a file, or nullopt.
std::optional<std::string> read_users_file(UsersFile& file);

}  // namespace port_owner::linux_os
