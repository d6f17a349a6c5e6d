// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/wide_text.hpp"

#include <windows.h>

#include <climits>

namespace port_owner::windows_os {

std::string utf8_from_wide(std::wstring_view text) {
    if (text.empty() || text.size() > INT_MAX / 4) {
        return {};
    }
    const int length = static_cast<int>(text.size());
    const int needed =
        ::WideCharToMultiByte(CP_UTF8, 0, text.data(), length, nullptr, 0, nullptr, nullptr);
    if (needed <= 0) {
        return {};
    }
    std::string result(static_cast<std::size_t>(needed), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, text.data(), length, result.data(), needed, nullptr, nullptr);
    return result;
}

std::wstring wide_from_utf8(std::string_view text) {
    if (text.empty() || text.size() > INT_MAX / 2) {
        return {};
    }
    const int length = static_cast<int>(text.size());
    const int needed = ::MultiByteToWideChar(CP_UTF8, 0, text.data(), length, nullptr, 0);
    if (needed <= 0) {
        return {};
    }
    std::wstring result(static_cast<std::size_t>(needed), L'\0');
    ::MultiByteToWideChar(CP_UTF8, 0, text.data(), length, result.data(), needed);
    return result;
}

}  // namespace port_owner::windows_os
