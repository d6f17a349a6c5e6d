// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/rule.hpp"

namespace port_owner::windows_os {

// One row of `netsh interface ipv4|ipv6 show excludedportrange protocol=tcp|udp`: ports Windows
// keeps from programs. Hyper-V, WinNAT and Docker Desktop reserve such ranges for themselves
// (a bind there fails with WSAEACCES, 10013, although nothing listens); an administrator's own
// exclusions (`netsh ... add excludedportrange`, marked '*') only keep the ports out of the
// dynamic range, and the program they are meant for can still bind them.
struct ExcludedPortRow {
    PortRange ports;
    bool administered = false;
};

// Pure: the rows of that table. netsh prints its labels in the system's language, so the table
// is found by its shape, not its words: the line of dashes under the column titles, then rows of
// two port numbers and an optional '*', up to the first line that is not a row (the footnote).
// nullopt when the text is not such a table (empty output, an error message, a layout not seen
// before, a row that does not read): then nothing is known, which is never "no exclusion".
std::optional<std::vector<ExcludedPortRow>> parse_excluded_port_ranges(std::string_view text);

}  // namespace port_owner::windows_os
