#include "core/verdict.hpp"

#include <algorithm>

namespace port_owner {
namespace {

// How one listener fares against its rule's allow-list.
void judge_listener(const Rule& rule, const ObservedListener& listener, Finding& finding) {
    const bool any_holder_allowed = rule.allow.empty();
    bool confirmed = any_holder_allowed;
    for (const auto& holder : listener.holders) {
        bool allowed = any_holder_allowed;
        for (const auto& entry : rule.allow) {
            const auto match = entry.match(holder);
            if (match != MatchKind::no_match) {
                allowed = true;
                finding.matched_by_comm |= match == MatchKind::matched_by_comm;
                break;
            }
        }
        if (allowed) {
            confirmed = true;
        } else {
            finding.culprits.push_back({&listener, &holder});
        }
    }
    if (listener.holders.empty()) {
        // Without a visible holder, only the kernel's socket owner is evidence, and only for
        // entries that ask nothing but the user.
        confirmed = confirmed ||
                    std::any_of(rule.allow.begin(), rule.allow.end(), [&](const AllowEntry& entry) {
                        return entry.matches_socket_owner(listener.socket);
                    });
    }
    // A listener whose holders were not all examinable (holders_complete == false) is judged on
    // the holders that were identified, as the default mode judges one holder; the report says
    // the list may be incomplete.
    if (!confirmed) {
        finding.unattributed.push_back(&listener);
    }
}

Finding judge_rule(const Rule& rule, const std::vector<ObservedListener>& listeners,
                   const StateDefaults& defaults) {
    Finding finding;
    finding.rule = &rule;
    for (const auto& listener : listeners) {
        if (rule.spec.covers(listener.socket)) {
            finding.listeners.push_back(&listener);
            judge_listener(rule, listener, finding);
        }
    }
    if (finding.listeners.empty()) {
        finding.outcome = rule.required ? Outcome::missing : Outcome::ok;
        finding.state = rule.required ? rule.states.missing.value_or(defaults.missing) : State::ok;
    } else if (!finding.culprits.empty()) {
        finding.outcome = Outcome::unexpected;
        finding.state = rule.states.unexpected.value_or(defaults.unexpected);
    } else if (!finding.unattributed.empty()) {
        finding.outcome = Outcome::unattributed;
        finding.state = rule.states.unattributed.value_or(defaults.unattributed);
    }
    return finding;
}

}  // namespace

std::string_view outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::ok:
            return "ok";
        case Outcome::missing:
            return "missing";
        case Outcome::unexpected:
            return "unexpected";
        case Outcome::unattributed:
            return "unattributed";
    }
    return "unattributed";
}

std::size_t Verdict::count(Outcome outcome) const {
    return static_cast<std::size_t>(std::count_if(
        findings.begin(), findings.end(), [&](const auto& f) { return f.outcome == outcome; }));
}

Verdict evaluate(const std::vector<Rule>& rules, const std::vector<ObservedListener>& listeners,
                 const StateDefaults& defaults) {
    Verdict verdict;
    for (const auto& rule : rules) {
        verdict.findings.push_back(judge_rule(rule, listeners, defaults));
        verdict.overall = worse_of(verdict.overall, verdict.findings.back().state);
    }
    std::stable_sort(
        verdict.findings.begin(), verdict.findings.end(),
        [](const Finding& a, const Finding& b) { return severity(a.state) > severity(b.state); });
    for (const auto& listener : listeners) {
        const bool covered = std::any_of(rules.begin(), rules.end(), [&](const Rule& rule) {
            return rule.spec.covers(listener.socket);
        });
        if (!covered) {
            verdict.unlisted.push_back(&listener);
        }
    }
    return verdict;
}

}  // namespace port_owner
