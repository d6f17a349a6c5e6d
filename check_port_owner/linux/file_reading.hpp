// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>

namespace port_owner::linux_os {

// Reads up to `max_bytes` of the file `name` relative to `directory_fd` (AT_FDCWD for a path) into
// `contents`. Returns 0 or the errno of the failing call. Plain open/read: procfs files are small
// and generated on read, so stdio buffering would only add copies.
int read_file_at(int directory_fd, const char* name, std::string& contents, std::size_t max_bytes);

}  // namespace port_owner::linux_os
