// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "harness/program_run.hpp"

#include <string>
#include <vector>

namespace windows_tests {

// check_port_owner.exe run with `arguments`, to its end.
ProgramRun run_plugin(const std::vector<std::string>& arguments);

}  // namespace windows_tests
