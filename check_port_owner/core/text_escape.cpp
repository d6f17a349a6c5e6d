// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/text_escape.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace port_owner {
namespace {

// Length of the valid UTF-8 sequence starting at `text[i]`, or 0 when it is invalid (overlong
// forms, surrogates and code points above U+10FFFF count as invalid).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
    const std::uint8_t lead = byte(i);
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code_point = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code_point = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code_point = lead & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0u) != 0x80u) {
            return 0;
        }
        code_point = (code_point << 6) | (byte(i + k) & 0x3Fu);
    }
    const bool overlong =
        (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF) {
        return 0;
    }
    // C1 controls (NEL among them) and the Unicode line and paragraph separators break lines in
    // some viewers; treat them like control bytes.
    const bool line_breaking =
        (code_point >= 0x80 && code_point <= 0x9F) || code_point == 0x2028 || code_point == 0x2029;
    return line_breaking ? 0 : length;
}

}  // namespace

std::string escape_text(std::string_view raw, std::size_t max_bytes) {
    static constexpr std::string_view cut_marker = "...";
    const std::size_t budget = max_bytes > cut_marker.size() ? max_bytes - cut_marker.size() : 0;
    std::string escaped;
    escaped.reserve(std::min(raw.size(), max_bytes) + 8);
    std::size_t cut_at = 0;  // the longest escaped prefix, on a piece boundary, within budget
    std::size_t i = 0;
    while (i < raw.size() && escaped.size() <= max_bytes) {
        const auto byte = static_cast<std::uint8_t>(raw[i]);
        std::size_t consumed = 1;
        // '<' and '>' too: Icinga Web 2 renders output holding something like a tag as HTML
        // (purified), so a name such as `<script>` would swallow the rest of the line, the pid
        // and the executable, on the admin's page; escaped, no tag can be formed.
        if (byte == '|' || byte == '<' || byte == '>' || byte < 0x20 || byte == 0x7F) {
            escaped += fmt::format("\\x{:02x}", byte);
        } else if (byte == '\\') {
            escaped += "\\\\";
        } else if (byte < 0x80) {
            escaped += raw[i];
        } else if (const auto length = utf8_sequence_length(raw, i); length > 0) {
            escaped += raw.substr(i, length);
            consumed = length;
        } else {
            escaped += fmt::format("\\x{:02x}", byte);
        }
        i += consumed;
        if (escaped.size() <= budget) {
            cut_at = escaped.size();
        }
    }
    if (i == raw.size() && escaped.size() <= max_bytes) {
        return escaped;
    }
    escaped.resize(cut_at);
    // With a limit smaller than the marker, the marker itself is cut to fit.
    escaped += cut_marker.substr(0, max_bytes - cut_at);
    return escaped;
}

std::string cut_to_length(std::string_view safe_text, std::size_t max_bytes) {
    static constexpr std::string_view cut_marker = "...";
    if (safe_text.size() <= max_bytes) {
        return std::string(safe_text);
    }
    std::size_t end = max_bytes > cut_marker.size() ? max_bytes - cut_marker.size() : 0;
    // Step back over UTF-8 continuation bytes so no character is split.
    while (end > 0 && (static_cast<std::uint8_t>(safe_text[end]) & 0xC0u) == 0x80u) {
        --end;
    }
    return std::string(safe_text.substr(0, end)) +
           std::string(cut_marker.substr(0, max_bytes - end));
}

}  // namespace port_owner
