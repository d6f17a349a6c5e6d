// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace port_owner::linux_os {

// Writes every byte of `text` to `fd`, resuming after EINTR and short writes. False when not
// every byte could be written (a closed pipe, a full disk).
bool write_all(int fd, std::string_view text);

}  // namespace port_owner::linux_os
