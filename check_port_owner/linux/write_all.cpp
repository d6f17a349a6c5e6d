// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/write_all.hpp"

#include <unistd.h>

#include <cerrno>

namespace port_owner::linux_os {

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const auto written = ::write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return false;
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
    return true;
}

}  // namespace port_owner::linux_os
