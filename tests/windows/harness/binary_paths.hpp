// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace windows_tests {

// The programs under test, as full Windows paths (drive letter, backslashes): the form the
// plugin reports an image in and `exe:` entries are written in. The build passes them as it
// knows them (under wine a Linux path, which Windows reads as a path on the current drive, Z:).
std::wstring plugin_path();
std::wstring fault_injection_plugin_path();
// The port holder copied as `name` (inetinfo.exe, rogue.exe) by the build.
std::wstring holder_path(std::wstring_view name);

// GetFullPathNameW: the absolute Windows form of `path`.
std::wstring full_path(const std::wstring& path);

}  // namespace windows_tests
