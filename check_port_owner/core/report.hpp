// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/excluded_port_range.hpp"
#include "core/verdict.hpp"

namespace port_owner {

struct ReportContext {
    std::size_t listeners_seen = 0;
    double scan_seconds = 0;
    int verbosity = 0;
    // How the inventory worked, when the admin should know (a fallback source, a shortcut):
    // printed as `note:` lines after the rules.
    std::vector<std::string> notes;
    // Port ranges the system reserves (Observation::excluded_port_ranges): a rule that is not
    // listening says when its port lies in one.
    std::vector<ExcludedPortRange> excluded_port_ranges;
};

// The whole plugin output (docs/architecture.md, "The plugin contract"): line 1
// `PORT_OWNER STATE - summary | perfdata`, then one line per rule, worst first. Every text that
// comes from a process or the config is escaped; line 1 stays under 1 KiB and the whole output
// under 8 KiB, cut visibly. Ends with a newline.
std::string format_report(const Verdict& verdict, const ReportContext& context);

// The single line for a failure of the tool itself (bad input, timeout): always UNKNOWN.
std::string format_tool_failure(std::string_view message);

}  // namespace port_owner
