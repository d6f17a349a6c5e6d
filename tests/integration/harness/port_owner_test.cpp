// SPDX-License-Identifier: GPL-3.0-or-later
#include "port_owner_test.hpp"

#include <fmt/core.h>

namespace integration {

HolderProcess PortOwnerTest::start_holder(const HolderOptions& options) {
    const auto stderr_log =
        temp_dir() / fmt::format("{}.{}.stderr", options.executable_name, holders_started_++);
    auto resolved = options;
    for (auto& heir : resolved.heirs) {
        heir.executable = executables_.path_for(heir.executable_name);
    }
    return HolderProcess(executables_.path_for(options.executable_name), resolved, stderr_log);
}

}  // namespace integration
