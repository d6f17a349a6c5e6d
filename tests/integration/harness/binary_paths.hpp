// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>

namespace integration {

// They come from tests/integration/CMakeLists.txt ($<TARGET_FILE:...>), so the tests always run
// the binaries of the same build.
inline const std::filesystem::path kPluginPath{PORT_OWNER_PLUGIN_PATH};
inline const std::filesystem::path kHolderPath{PORT_HOLDER_PATH};
// The plugin built with the PORT_OWNER_FAULT_STALL switch (timeout tests only).
inline const std::filesystem::path kFaultInjectionPluginPath{PORT_OWNER_FAULT_INJECTION_PATH};

}  // namespace integration
