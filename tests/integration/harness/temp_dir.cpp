// SPDX-License-Identifier: GPL-3.0-or-later
#include "temp_dir.hpp"

#include <stdlib.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace integration {

TempDir::TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "port_owner_it.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp(" + pattern + ")");
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;  // a destructor must not throw; a leftover directory is harmless
    std::filesystem::remove_all(path_, ignored);
}

}  // namespace integration
