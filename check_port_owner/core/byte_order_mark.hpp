// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "core/input_error.hpp"

namespace port_owner {

// Windows editors and PowerShell (Out-File -Encoding utf8) start UTF-8 files with a byte order
// mark; it is not part of the first line. A UTF-16 file (PowerShell's default in Windows
// PowerShell 5) cannot be read as text here: say so instead of a puzzling syntax error on line 1.
// Returns `text` without a UTF-8 mark; throws InputError naming the file for a UTF-16 one.
inline std::string_view without_byte_order_mark(std::string_view text, std::string_view file_name) {
    constexpr std::string_view utf8_mark = "\xEF\xBB\xBF";
    constexpr std::string_view utf16_little_endian = "\xFF\xFE";
    constexpr std::string_view utf16_big_endian = "\xFE\xFF";
    if (text.starts_with(utf8_mark)) {
        return text.substr(utf8_mark.size());
    }
    if (text.starts_with(utf16_little_endian) || text.starts_with(utf16_big_endian)) {
        throw InputError(fmt::format("{}:1: the file is UTF-16; save it as UTF-8", file_name));
    }
    return text;
}

}  // namespace port_owner
