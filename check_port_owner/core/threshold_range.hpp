// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace port_owner {

// A Nagios threshold range as the Monitoring Plugins guidelines define it (docs/architecture.md,
// "The plugin contract"): `[@][START:]END`, START may be `~` (minus infinity), an empty END is
// plus infinity. It alerts when the value is outside START..END (inclusive), or inside with `@`.
class ThresholdRange {
  public:
    // Accepts exactly `^@?((~|[-+]?NUM)?:)?([-+]?NUM)?$`, NUM = `\d+(\.\d+)?`, with at least one
    // digit or `~` and START <= END. Throws InputError naming the range otherwise.
    static ThresholdRange parse(std::string_view text);

    bool alerts(double value) const;

    const std::string& text() const { return text_; }

    // The range as one plain number for perfdata, when it is the simple form `N` (0..N, outside):
    // Icinga 2 drops warn/crit written as ranges, so only that form is written. Else false.
    bool as_plain_number(double& number) const;

  private:
    std::string text_;
    bool inside_ = false;
    bool start_infinite_ = false;
    double start_ = 0;
    bool end_infinite_ = false;
    double end_ = 0;
    bool simple_ = false;
};

}  // namespace port_owner
