// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace port_owner::windows_os {

// Windows speaks UTF-16 (the W functions); the plugin's output and files are UTF-8. An unpaired
// surrogate (possible in a file or process name) becomes U+FFFD rather than failing the check.
std::string utf8_from_wide(std::wstring_view text);

// For paths the caller gives in UTF-8 (-C, --extra-opts). Invalid UTF-8 becomes U+FFFD, so such a
// path names no file and the read fails with a message.
std::wstring wide_from_utf8(std::string_view text);

}  // namespace port_owner::windows_os
