// SPDX-License-Identifier: GPL-3.0-or-later
#include "harness/temp_dir.hpp"

#include "harness/wide_text.hpp"

#include <windows.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace windows_tests {

TempDir::TempDir() {
    wchar_t base[MAX_PATH + 1];
    if (GetTempPathW(MAX_PATH + 1, base) == 0)
        throw std::runtime_error("GetTempPathW failed");
    // The process id and a counter: tests run in parallel processes, and some make several.
    static unsigned counter = 0;
    path_ = std::wstring(base) + L"check_port_owner_test_" +
            std::to_wstring(GetCurrentProcessId()) + L"_" + std::to_wstring(++counter);
    if (!CreateDirectoryW(path_.c_str(), nullptr))
        throw std::runtime_error("cannot create " + narrow(path_));
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(std::filesystem::path(path_), ignored);
}

std::wstring TempDir::write(std::wstring_view name, std::string_view bytes) const {
    const auto path = file(name);
    std::ofstream out(std::filesystem::path(path), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush())
        throw std::runtime_error("cannot write " + narrow(path));
    return path;
}

std::wstring TempDir::copy(const std::wstring& source, std::wstring_view name) const {
    const auto path = file(name);
    if (!CopyFileW(source.c_str(), path.c_str(), TRUE))
        throw std::runtime_error("cannot copy " + narrow(source) + " to " + narrow(path));
    return path;
}

}  // namespace windows_tests
