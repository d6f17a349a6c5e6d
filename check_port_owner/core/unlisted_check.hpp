// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <vector>

#include "core/ignore_spec.hpp"
#include "core/threshold_range.hpp"
#include "core/verdict.hpp"

namespace port_owner {

// -w/-c on the number of UNLISTED listeners: those no rule covers and no ignore spec excludes.
struct UnlistedPolicy {
    std::optional<ThresholdRange> warning;
    std::optional<ThresholdRange> critical;
    std::vector<IgnoreSpec> ignore;

    bool has_thresholds() const { return warning || critical; }
};

// Drops ignored listeners from verdict.unlisted and, when thresholds are set, records the
// count's state in verdict.unlisted_state and folds it into the overall state. Critical is
// checked before warning, as the guidelines ask.
void apply_unlisted_policy(Verdict& verdict, const UnlistedPolicy& policy);

}  // namespace port_owner
