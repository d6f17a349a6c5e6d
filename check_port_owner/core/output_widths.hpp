// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>

namespace port_owner {

// How many bytes of one untrusted field the output shows (the `max_bytes` of escape_text). Each
// width is well above what the field holds on a sane system, so only a hostile or broken value is
// cut, and small enough that a few such fields cannot crowd the rest of a line out of the 1 KiB
// first line or a long-output line.

// A process name or a user name: comm is at most 15 bytes and useradd allows 32, so 64 leaves
// room for the \xNN escapes of a short name in another character set.
constexpr std::size_t name_width = 64;

// A systemd unit name: real ones fit easily, though systemd allows up to 255 bytes.
constexpr std::size_t unit_width = 100;

// Why a value could not be read (an errno text, at most a short phrase around it).
constexpr std::size_t error_text_width = 100;

// An executable path, and the command line at -v: enough to tell which program it is.
constexpr std::size_t path_width = 200;

// The command line at -vv, where the admin asked for all of it: as much as one long-output line
// holds.
constexpr std::size_t full_command_line_width = 1024;

// A sentence of the plugin's own that quotes what it is about (a reason, a note, what a rule
// allows): the sentence and a path or two inside it.
constexpr std::size_t reason_width = 300;

// A rule's label as the admin wrote it (`tcp/80`, `udp/[::1]:53`), with room for a long address.
constexpr std::size_t label_width = 80;

// A threshold range as the admin wrote it (`-w 10:20`), quoted back to say which one was crossed.
constexpr std::size_t range_width = 40;

}  // namespace port_owner
