// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "program_run.hpp"

#include <string>
#include <vector>

namespace integration {

// Runs check_port_owner with `arguments` and waits for it. The plugin's own default timeout is
// 10 s; ours is far above it, so that it only catches a plugin that hangs.
ProgramRun run_plugin(const std::vector<std::string>& arguments);

}  // namespace integration
