// SPDX-License-Identifier: GPL-3.0-or-later
#include "harness/binary_paths.hpp"

#include "harness/wide_text.hpp"

#include <windows.h>

#include <stdexcept>

namespace windows_tests {

std::wstring full_path(const std::wstring& path) {
    const DWORD size = GetFullPathNameW(path.c_str(), 0, nullptr, nullptr);
    if (size == 0)
        throw std::runtime_error("GetFullPathNameW failed for " + narrow(path));
    std::wstring full(size, L'\0');
    const DWORD length = GetFullPathNameW(path.c_str(), size, full.data(), nullptr);
    full.resize(length);
    return full;
}

std::wstring plugin_path() {
    return full_path(widen(PORT_OWNER_PLUGIN_PATH));
}

std::wstring fault_injection_plugin_path() {
    return full_path(widen(PORT_OWNER_FAULT_INJECTION_PATH));
}

std::wstring holder_path(std::wstring_view name) {
    return full_path(widen(PORT_HOLDER_DIRECTORY) + L"\\" + std::wstring(name));
}

}  // namespace windows_tests
