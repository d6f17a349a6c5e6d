#pragma once

#include <filesystem>

namespace integration {

// Both come from tests/integration/CMakeLists.txt ($<TARGET_FILE:...>), so the tests always run
// the binaries of the same build.
inline const std::filesystem::path kPluginPath{PORT_OWNER_PLUGIN_PATH};
inline const std::filesystem::path kHolderPath{PORT_HOLDER_PATH};

}  // namespace integration
