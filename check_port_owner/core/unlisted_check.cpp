// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/unlisted_check.hpp"

#include <algorithm>

namespace port_owner {

void apply_unlisted_policy(Verdict& verdict, const UnlistedPolicy& policy) {
    std::erase_if(verdict.unlisted, [&](const ObservedListener* listener) {
        return std::any_of(policy.ignore.begin(), policy.ignore.end(),
                           [&](const IgnoreSpec& spec) { return spec.matches(listener->socket); });
    });
    if (!policy.has_thresholds()) {
        return;
    }
    const auto count = static_cast<double>(verdict.unlisted.size());
    State state = State::ok;
    if (policy.critical && policy.critical->alerts(count)) {
        state = State::critical;
    } else if (policy.warning && policy.warning->alerts(count)) {
        state = State::warning;
    }
    UnlistedCount result;
    result.state = state;
    if (policy.warning) {
        result.warning_text = policy.warning->text();
        double number = 0;
        if (policy.warning->as_plain_number(number)) {
            result.warning_number = number;
        }
    }
    if (policy.critical) {
        result.critical_text = policy.critical->text();
        double number = 0;
        if (policy.critical->as_plain_number(number)) {
            result.critical_number = number;
        }
    }
    verdict.unlisted_count = result;
    verdict.overall = worse_of(verdict.overall, state);
}

}  // namespace port_owner
