// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace windows_tests {

// UTF-8 <-> UTF-16, the tests' own (not the plugin's): the tests speak UTF-8 like the plugin's
// output, Windows' process and file calls take UTF-16.
std::wstring widen(std::string_view utf8);
std::string narrow(std::wstring_view utf16);

}  // namespace windows_tests
