// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace integration {

// Moves the calling process into a mount namespace of its own (mount propagation private) and
// mounts a fresh procfs over /proc with `options`, e.g. "hidepid=2": every program the process
// starts afterwards sees that /proc, the rest of the machine does not. The destructor unmounts it
// again. Needs CAP_SYS_ADMIN and a single-threaded process. Throws std::system_error naming the
// step.
class PrivateProcMount {
  public:
    explicit PrivateProcMount(const std::string& options);
    ~PrivateProcMount();

    PrivateProcMount(const PrivateProcMount&) = delete;
    PrivateProcMount& operator=(const PrivateProcMount&) = delete;
};

}  // namespace integration
