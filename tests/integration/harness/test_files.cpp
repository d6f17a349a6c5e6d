// SPDX-License-Identifier: GPL-3.0-or-later
#include "test_files.hpp"

#include <fstream>
#include <stdexcept>

namespace integration {

std::filesystem::path write_text_file(const std::filesystem::path& path, std::string_view text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!file.flush()) {
        throw std::runtime_error("cannot write " + path.string());
    }
    return path;
}

}  // namespace integration
