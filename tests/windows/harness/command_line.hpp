// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace windows_tests {

// A Windows program gets one command-line string, not an argument vector: this joins arguments
// so that the C runtime (and CommandLineToArgvW) splits them back exactly, spaces, quotes and
// backslashes included. No shell ever reads it.
std::wstring command_line(const std::vector<std::wstring>& arguments);

}  // namespace windows_tests
