// SPDX-License-Identifier: GPL-3.0-or-later
#include "harness/plugin_run.hpp"

#include "harness/binary_paths.hpp"

namespace windows_tests {

ProgramRun run_plugin(const std::vector<std::string>& arguments) {
    return run_program(plugin_path(), arguments);
}

}  // namespace windows_tests
