// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes escape_text() and cut_to_length(), checking the promises of core/text_escape.hpp.
//
// Input: two bytes giving max_bytes (little-endian, 0..65535), then the raw text.
// Properties of escape_text(raw, max_bytes): no '|', no byte below 0x20 nor 0x7F, valid UTF-8,
// no C1 control nor U+2028/U+2029, size <= max_bytes; without a length cap it can be unescaped
// back to `raw`, and a capped result is a prefix of the uncapped one plus "..." (or as much of
// "..." as fits).
// Properties of cut_to_length(safe, max_bytes): size <= max_bytes, and what was safe stays safe.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/text_escape.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr std::string_view cut_marker = "...";

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Reads the escapes back: `\\` is a backslash, `\xNN` the byte NN; every other byte is itself.
// A lone or unknown escape is a finding (escape_text never writes one).
std::string unescape(std::string_view text) {
    std::string raw;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            raw += text[i];
            continue;
        }
        FUZZ_CHECK(i + 1 < text.size());
        if (text[i + 1] == '\\') {
            raw += '\\';
            ++i;
            continue;
        }
        FUZZ_CHECK(text[i + 1] == 'x' && i + 3 < text.size());
        const int high = hex_value(text[i + 2]);
        const int low = hex_value(text[i + 3]);
        FUZZ_CHECK(high >= 0 && low >= 0);
        raw += static_cast<char>(high * 16 + low);
        i += 3;
    }
    return raw;
}

// What escape_text promises about its output, whatever the cap.
void check_safe(std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<std::uint8_t>(c);
        FUZZ_CHECK(byte != '|');
        FUZZ_CHECK(byte >= 0x20 && byte != 0x7F);
    }
    FUZZ_CHECK(port_owner::fuzz::is_valid_utf8(text));
    // C1 controls (U+0080..U+009F, encoded C2 80..C2 9F) and U+2028/U+2029 (E2 80 A8/A9).
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        const auto b0 = static_cast<std::uint8_t>(text[i]);
        const auto b1 = static_cast<std::uint8_t>(text[i + 1]);
        FUZZ_CHECK(!(b0 == 0xC2 && b1 >= 0x80 && b1 <= 0x9F));
        if (b0 == 0xE2 && b1 == 0x80 && i + 2 < text.size()) {
            const auto b2 = static_cast<std::uint8_t>(text[i + 2]);
            FUZZ_CHECK(b2 != 0xA8 && b2 != 0xA9);
        }
    }
}

// Whether `cut` is a prefix of `whole` followed by the cut marker; a limit below the marker's
// length cuts the marker itself.
bool is_cut_from(std::string_view cut, std::string_view whole, std::size_t max_bytes) {
    const auto marker = cut_marker.substr(0, std::min(cut_marker.size(), max_bytes));
    return cut.ends_with(marker) && whole.starts_with(cut.substr(0, cut.size() - marker.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    const std::size_t max_bytes = data[0] | (static_cast<std::size_t>(data[1]) << 8);
    const auto raw = port_owner::fuzz::as_text(data + 2, size - 2);

    const auto full = port_owner::escape_text(raw, std::numeric_limits<std::size_t>::max());
    check_safe(full);
    FUZZ_CHECK(unescape(full) == raw);

    const auto capped = port_owner::escape_text(raw, max_bytes);
    check_safe(capped);
    FUZZ_CHECK(capped.size() <= max_bytes);
    if (full.size() <= max_bytes) {
        FUZZ_CHECK(capped == full);
    } else {
        FUZZ_CHECK(is_cut_from(capped, full, max_bytes));
    }

    // cut_to_length on safe text (the uncapped escape) keeps it safe and within the cap.
    const auto cut = port_owner::cut_to_length(full, max_bytes);
    check_safe(cut);
    FUZZ_CHECK(cut.size() <= max_bytes);
    if (full.size() <= max_bytes) {
        FUZZ_CHECK(cut == full);
    } else {
        FUZZ_CHECK(is_cut_from(cut, full, max_bytes));
    }
    // On arbitrary bytes it must at least stay within the cap and not read out of bounds.
    FUZZ_CHECK(port_owner::cut_to_length(raw, max_bytes).size() <= max_bytes);
    return 0;
}
