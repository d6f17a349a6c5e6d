// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace port_owner {

// One performance-data value (docs/architecture.md, perfdata). Labels are fixed strings of the
// plugin, lowercase [a-z0-9_], so they never need quoting and graphs can key on them.
struct PerfValue {
    std::string label;
    double value = 0;
    std::string unit;  // "" for counts, "s" for seconds
    std::optional<double> warning;
    std::optional<double> critical;
    std::optional<double> minimum;
    std::optional<double> maximum;
};

// `label=value[unit];[warn];[crit];[min];[max]`: '.' as the decimal point whatever the locale,
// no exponent, trailing empty fields dropped.
std::string format_perf_value(const PerfValue& value);

// Space-separated values.
std::string format_perfdata(const std::vector<PerfValue>& values);

// A number as perfdata wants it: plain decimal, at most 6 decimals, no trailing zeros.
std::string format_perf_number(double number);

}  // namespace port_owner
