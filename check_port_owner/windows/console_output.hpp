// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string_view>

namespace port_owner::windows_os {

// Writes every byte to the process's standard output handle with WriteFile: no C runtime in
// between, so no buffering and no LF -> CRLF translation (the engines read LF lines), and no
// allocation. False when not every byte could be written.
bool write_to_standard_output(std::string_view text);

// While platform::run_supervised runs the check, what the check prints is held back and
// relayed only once its exit code has been compared with line 1 (as the Linux supervisor relays
// its child's pipe). True when `text` was taken; false outside a supervised check.
bool capture_supervised_output(std::string_view text);

}  // namespace port_owner::windows_os
