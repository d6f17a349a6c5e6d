// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/file_reading.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {

int read_file_at(int directory_fd, const char* name, std::string& contents, std::size_t max_bytes) {
    contents.clear();
    UniqueFd file(::openat(directory_fd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!file.valid()) {
        return errno;
    }
    constexpr std::size_t chunk = 16384;
    while (contents.size() < max_bytes) {
        const auto old_size = contents.size();
        const auto want = std::min(chunk, max_bytes - old_size);
        contents.resize(old_size + want);
        const auto got = ::read(file.get(), contents.data() + old_size, want);
        if (got < 0) {
            const int error = errno;
            contents.resize(old_size);
            if (error == EINTR) {
                continue;
            }
            return error;
        }
        contents.resize(old_size + static_cast<std::size_t>(got));
        if (got == 0) {
            break;
        }
    }
    return 0;
}

}  // namespace port_owner::linux_os
