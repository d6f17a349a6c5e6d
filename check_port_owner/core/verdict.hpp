// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/ephemeral_ports.hpp"
#include "core/match_conventions.hpp"
#include "core/port_occupant.hpp"
#include "core/rule.hpp"
#include "core/socket_model.hpp"
#include "core/state.hpp"

namespace port_owner {

// The state of each outcome when a rule does not set its own (README, "States and exit codes").
struct StateDefaults {
    State missing = State::critical;
    State unexpected = State::critical;
    State unattributed = State::unknown;
};

// undecided: the rule's answer rests on something the source could not see (a `[::]` listener's
// IPV6_V6ONLY from /proc/net). Always UNKNOWN: no state option can turn "cannot tell" into OK.
enum class Outcome { ok, missing, unexpected, unattributed, undecided };

std::string_view outcome_name(Outcome outcome);

// A holder that matches none of its rule's allow entries.
struct Culprit {
    const ObservedListener* listener = nullptr;
    const ProcessIdentity* holder = nullptr;
};

// A listener that no allow entry could be confirmed for, and why: no visible holder, a holder
// list that may be incomplete, or a holder whose executable could not be read or checked.
struct Unattributed {
    const ObservedListener* listener = nullptr;
    const ProcessIdentity* holder = nullptr;  // the undecidable holder, if that is the reason
    std::string reason;
};

// One rule's outcome, a "finding" (docs/architecture.md, "Vocabulary").
struct Finding {
    const Rule* rule = nullptr;
    Outcome outcome = Outcome::ok;
    State state = State::ok;
    std::vector<const ObservedListener*> listeners;  // every listener the rule covers
    std::vector<Culprit> culprits;                   // for unexpected
    std::vector<Unattributed> unattributed;          // listeners not confirmed, with the reason
    // Listeners that may or may not be covered, depending on what the source could not see.
    std::vector<const ObservedListener*> uncertain;
    std::string undecided_reason;  // for undecided
    // For unexpected and unattributed: why some of the rule's entries can match nothing on this
    // host (a service: where processes host no services), so a rule that allows only such
    // entries does not fail without a word.
    std::vector<std::string> never_matching;
    // For missing: what occupies the port instead of a listener (attach_occupants).
    Occupation occupation;
};

// The state of the unlisted-listener count, when -w or -c was given.
struct UnlistedCount {
    State state = State::ok;
    std::optional<std::string> warning_text;  // the ranges as given, for the output
    std::optional<std::string> critical_text;
    std::optional<double> warning_number;  // plain-number thresholds for perfdata
    std::optional<double> critical_number;
};

struct Verdict {
    std::vector<Finding> findings;  // worst state first, then in rule order
    State overall = State::ok;
    std::size_t count(Outcome outcome) const;
    // Listeners that no rule covers (for the unlisted thresholds and for verbose output).
    std::vector<const ObservedListener*> unlisted;
    std::optional<UnlistedCount> unlisted_count;
};

// Pure: decides every rule from what the inventory observed, matching allow entries by the
// naming conventions of the host the listeners were observed on. The returned verdict points into
// `rules` and `listeners`, which must outlive it.
Verdict evaluate(const std::vector<Rule>& rules, const std::vector<ObservedListener>& listeners,
                 const StateDefaults& defaults, const MatchConventions& conventions);

// Pure: gives each MISSING finding the occupants of its ports (see occupation_of), so the output
// can say why the service may be unable to bind. The state stays what it is: an occupant only
// explains. `occupants` must outlive the verdict.
void attach_occupants(Verdict& verdict, const std::vector<PortOccupant>& occupants,
                      const EphemeralPorts* ephemeral);

}  // namespace port_owner
