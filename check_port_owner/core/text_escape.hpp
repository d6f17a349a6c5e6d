// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace port_owner {

// Makes attacker-controlled text (process names, command lines, paths, config text) safe for the
// plugin output: the result has no `|`, no `<` or `>` (so no HTML tag), no control byte (so no line
// break and no CR), no invalid UTF-8 and no Unicode line separator, and at most `max_bytes` bytes
// (cut on a character boundary, marked with "..."). Escapes are `\xNN` for bytes and `\\` for the
// backslash itself, so the original can be read back.
std::string escape_text(std::string_view raw, std::size_t max_bytes = 256);

// Caps text that is already safe (escaped, or built from escaped parts) at `max_bytes`, cutting on
// a UTF-8 character boundary and marking the cut with "...". It escapes nothing again.
std::string cut_to_length(std::string_view safe_text, std::size_t max_bytes);

}  // namespace port_owner
