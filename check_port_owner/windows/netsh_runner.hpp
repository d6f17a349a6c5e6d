// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace port_owner::windows_os {

// Runs netsh.exe from the system directory (GetSystemDirectoryW, never a search of PATH or the
// current directory) with `arguments`, and returns what it wrote to standard output, as UTF-8.
// No shell is involved and nothing the caller's input could change: each argument must be a
// plain word of letters, digits and "=._-" (the queries are constants in the caller), so no
// quoting is needed and none can be injected.
//
// netsh gets no console window, standard input and error on NUL, and only the three handles it
// needs; it runs in a job object that ends it with the plugin. It is ended at `deadline`, and
// when it writes more than a report could ever need. nullopt when it could not be started, was
// ended, exited with an error, or printed nothing: whatever it printed is then not an answer.
std::optional<std::string> run_netsh(std::initializer_list<std::wstring_view> arguments,
                                     std::chrono::steady_clock::time_point deadline);

}  // namespace port_owner::windows_os
