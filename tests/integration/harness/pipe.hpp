// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "unique_fd.hpp"

namespace integration {

// Both ends are close-on-exec: a child started by another thread must never inherit them, or the
// reader would wait for an end of file that only comes when that unrelated child exits.
struct Pipe {
    UniqueFd read_end;
    UniqueFd write_end;
};

// Throws std::system_error.
Pipe make_pipe();

}  // namespace integration
