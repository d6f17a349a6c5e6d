#include "port_owner_test.hpp"

#include <fmt/core.h>

namespace integration {

HolderProcess PortOwnerTest::start_holder(const HolderOptions& options) {
    const auto stderr_log =
        temp_dir() / fmt::format("{}.{}.stderr", options.executable_name, holders_started_++);
    return HolderProcess(executables_.path_for(options.executable_name), options, stderr_log);
}

}  // namespace integration
