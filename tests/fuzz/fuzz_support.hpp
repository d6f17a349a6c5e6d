// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers shared by the fuzz targets: a property check that makes libFuzzer report the input, and
// a strict UTF-8 validator.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "common/utf8_check.hpp"

namespace port_owner::fuzz {

// A violated property is a finding: print what was expected and abort, so libFuzzer saves the
// input as a crash. (assert() would vanish under NDEBUG.)
#define FUZZ_CHECK(condition)                                                          \
    do {                                                                               \
        if (!(condition)) {                                                            \
            std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, \
                         #condition);                                                  \
            std::abort();                                                              \
        }                                                                              \
    } while (false)

using test_common::is_valid_utf8;

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// `text` as a JSON string (quotes and backslashes escaped, control bytes as \u00XX): for targets
// that write a parsed document back and read it again.
inline std::string json_string(std::string_view text) {
    std::string written = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            written += '\\';
            written += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            written += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
            written += c;
        }
    }
    return written + "\"";
}

// Targets that take a text and some bytes read the text up to the first newline and the bytes
// after it (nothing when there is no newline).
struct FirstLineAndRest {
    std::string_view line;
    std::string_view rest;
};

inline FirstLineAndRest split_first_line(std::string_view input) {
    const auto newline = input.find('\n');
    if (newline == std::string_view::npos) {
        return {input, {}};
    }
    return {input.substr(0, newline), input.substr(newline + 1)};
}

}  // namespace port_owner::fuzz
