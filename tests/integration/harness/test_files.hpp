// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <string_view>

namespace integration {

// Writes `text` to `path` as it is (binary: a NUL byte or a CR stays), replacing the file, and
// returns the path. Throws std::runtime_error when the file cannot be written.
std::filesystem::path write_text_file(const std::filesystem::path& path, std::string_view text);

// Ports 2, 4, 6, ... for rule `index` (from 0): no two adjacent, so no two rules merge into one
// port range, which is what a test of many rules wants.
constexpr int scattered_port(int index) {
    return 2 * (index + 1);
}

}  // namespace integration
