// SPDX-License-Identifier: GPL-3.0-or-later
#include "plugin_run.hpp"

#include "binary_paths.hpp"

#include <chrono>

namespace integration {

ProgramRun run_plugin(const std::vector<std::string>& arguments) {
    using namespace std::chrono_literals;
    return run_program(kPluginPath, arguments, 60s);
}

}  // namespace integration
