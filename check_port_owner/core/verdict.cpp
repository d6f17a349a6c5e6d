// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/verdict.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace port_owner {
namespace {

// How one holder fares against a rule's allow-list, and, when it cannot be judged, why.
enum class HolderJudgement { allowed, not_allowed, undecidable };

struct Judged {
    HolderJudgement judgement = HolderJudgement::allowed;
    std::string reason;  // for undecidable
};

// Why an undecidable holder could not be judged: its executable is unknown, or its path could not
// be checked against the file that runs.
std::string undecidable_reason(const ProcessIdentity& holder) {
    if (!holder.executable) {
        return fmt::format(
            "the executable of pid {} cannot be read ({}); NAME and exe: entries "
            "need it, and comm is no proof",
            holder.pid,
            holder.executable_problem.empty() ? "unknown reason" : holder.executable_problem);
    }
    return fmt::format("cannot check that pid {} runs the file at its executable path", holder.pid);
}

Judged judge_process(const Rule& rule, const ProcessIdentity& holder,
                     const MatchConventions& conventions) {
    bool undecidable = false;
    for (const auto& entry : rule.allow) {
        const auto match = entry.match(holder, conventions);
        if (match == MatchKind::matched) {
            return {};
        }
        undecidable |= match == MatchKind::undecidable;
    }
    if (undecidable) {
        return {HolderJudgement::undecidable, undecidable_reason(holder)};
    }
    return {HolderJudgement::not_allowed, {}};
}

// A container engine's port proxy is judged by the processes behind it: the proxy says nothing
// about which program serves the port. Only an entry that names the proxy's own program
// (`docker-proxy`, `exe:/usr/sbin/docker-proxy`) allows the proxy itself, whatever is behind
// it; a proxy that could not be followed is allowed by nothing else, and says why.
Judged judge_proxy(const Rule& rule, const ProcessIdentity& proxy,
                   const MatchConventions& conventions) {
    for (const auto& entry : rule.allow) {
        if (entry.names_program() && entry.match(proxy, conventions) == MatchKind::matched) {
            return {};
        }
    }
    const auto& forwarding = *proxy.proxy;
    if (!forwarding.problem.empty() || forwarding.holders.empty()) {
        return {HolderJudgement::undecidable,
                fmt::format("{} pid {} forwards to {}, which could not be followed: {}; allow "
                            "the proxy explicitly ({}) to accept it as it is",
                            forwarding.proxy, proxy.pid, forwarding.target,
                            forwarding.problem.empty() ? "no holder found" : forwarding.problem,
                            forwarding.proxy)};
    }
    Judged worst;
    for (const auto& inside : forwarding.holders) {
        // A proxy behind a proxy (rootless Docker's docker-proxy behind rootlesskit) is judged
        // the same way: by what is behind it, unless an entry names it.
        auto judged = inside.proxy ? judge_proxy(rule, inside, conventions)
                                   : judge_process(rule, inside, conventions);
        if (judged.judgement == HolderJudgement::not_allowed) {
            return judged;
        }
        if (judged.judgement == HolderJudgement::undecidable &&
            worst.judgement == HolderJudgement::allowed) {
            worst = std::move(judged);
        }
    }
    return worst;
}

Judged judge_holder(const Rule& rule, const ProcessIdentity& holder,
                    const MatchConventions& conventions) {
    if (rule.allow.empty()) {
        return {};
    }
    return holder.proxy ? judge_proxy(rule, holder, conventions)
                        : judge_process(rule, holder, conventions);
}

// Only the kernel's socket owner is evidence when the holders are unseen or may be incomplete,
// and only for entries that ask nothing but the user.
bool socket_owner_allowed(const Rule& rule, const ObservedListener& listener,
                          const MatchConventions& conventions) {
    return std::any_of(rule.allow.begin(), rule.allow.end(), [&](const AllowEntry& entry) {
        return entry.matches_socket_owner(listener.socket, conventions);
    });
}

// Judges one listener's holders: culprits for holders no entry allows, and an unattributed entry
// when the listener cannot be confirmed. Returns whether the listener is confirmed.
bool judge_listener(const Rule& rule, const ObservedListener& listener,
                    const MatchConventions& conventions, Finding& finding) {
    std::optional<Unattributed> undecidable;  // the first undecidable holder
    bool any_culprit = false;
    // pid 1 holds the socket too, perhaps for a socket unit whose service the other holders
    // are: without systemd's answer, none of them is known to be out of place.
    const auto unconfirmed_pid_one = std::find_if(
        listener.holders.begin(), listener.holders.end(),
        [](const ProcessIdentity& holder) { return !holder.activation.unconfirmed.empty(); });
    for (const auto& holder : listener.holders) {
        auto judged = judge_holder(rule, holder, conventions);
        switch (judged.judgement) {
            case HolderJudgement::allowed:
                break;
            case HolderJudgement::not_allowed:
                // pid 1 may hold the socket for a socket unit the rule allows: systemd could
                // not be asked, so neither "allowed" nor "held by systemd" is known.
                if (unconfirmed_pid_one != listener.holders.end()) {
                    if (!undecidable) {
                        undecidable = Unattributed{&listener, &*unconfirmed_pid_one,
                                                   unconfirmed_pid_one->activation.unconfirmed};
                    }
                    break;
                }
                finding.culprits.push_back({&listener, &holder});
                any_culprit = true;
                break;
            case HolderJudgement::undecidable:
                if (!undecidable) {
                    undecidable = Unattributed{&listener, &holder, std::move(judged.reason)};
                }
                break;
        }
    }
    if (any_culprit) {
        return false;
    }
    if (undecidable) {
        finding.unattributed.push_back(std::move(*undecidable));
        return false;
    }
    if (listener.holders.empty()) {
        if (rule.allow.empty() || socket_owner_allowed(rule, listener, conventions)) {
            return true;
        }
        finding.unattributed.push_back({&listener, nullptr, listener.attribution_problem});
        return false;
    }
    // Every identified holder is allowed; with a list that may be incomplete, another holder could
    // still be hiding, so only the socket owner can settle it.
    if (!listener.holders_complete && !rule.allow.empty() &&
        !socket_owner_allowed(rule, listener, conventions)) {
        finding.unattributed.push_back(
            {&listener, nullptr,
             fmt::format("holder list may be incomplete: {}", listener.attribution_problem)});
        return false;
    }
    return true;
}

// A listener that may or may not take the rule's traffic: harmless when its holders would pass.
bool uncertain_listener_would_pass(const Rule& rule, const ObservedListener& listener,
                                   const MatchConventions& conventions) {
    Finding scratch;
    return judge_listener(rule, listener, conventions, scratch);
}

std::string uncertainty_reason(const ObservedListener& listener) {
    return fmt::format(
        "cannot tell whether {}/[{}]:{} also serves IPv4: the listener source (/proc/net) does not "
        "show IPV6_V6ONLY",
        transport_name(listener.socket.transport), listener.socket.address.to_string(),
        listener.socket.port);
}

Finding judge_rule(const Rule& rule, const std::vector<ObservedListener>& listeners,
                   const StateDefaults& defaults, const MatchConventions& conventions) {
    Finding finding;
    finding.rule = &rule;
    for (const auto& listener : listeners) {
        switch (rule.spec.coverage(listener.socket)) {
            case PortSpec::Coverage::covered:
                finding.listeners.push_back(&listener);
                judge_listener(rule, listener, conventions, finding);
                break;
            case PortSpec::Coverage::uncertain:
                finding.uncertain.push_back(&listener);
                break;
            case PortSpec::Coverage::none:
                break;
        }
    }
    // An uncertain listener decides nothing when there is a culprit anyway; otherwise it leaves
    // the rule undecided if its presence would change the answer (no other listener, or holders
    // that would not pass).
    const ObservedListener* deciding_uncertain = nullptr;
    for (const auto* listener : finding.uncertain) {
        if ((finding.listeners.empty() && rule.required) ||
            !uncertain_listener_would_pass(rule, *listener, conventions)) {
            deciding_uncertain = listener;
            break;
        }
    }
    if (!finding.culprits.empty()) {
        finding.outcome = Outcome::unexpected;
        finding.state = rule.states.unexpected.value_or(defaults.unexpected);
    } else if (deciding_uncertain != nullptr) {
        finding.outcome = Outcome::undecided;
        finding.state = State::unknown;
        finding.undecided_reason = uncertainty_reason(*deciding_uncertain);
    } else if (finding.listeners.empty()) {
        finding.outcome = rule.required ? Outcome::missing : Outcome::ok;
        finding.state = rule.required ? rule.states.missing.value_or(defaults.missing) : State::ok;
    } else if (!finding.unattributed.empty()) {
        finding.outcome = Outcome::unattributed;
        finding.state = rule.states.unattributed.value_or(defaults.unattributed);
    }
    if (finding.outcome == Outcome::unexpected || finding.outcome == Outcome::unattributed) {
        for (const auto& entry : rule.allow) {
            if (auto why = entry.why_never_matches(conventions)) {
                finding.never_matching.push_back(std::move(*why));
            }
        }
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
        case Outcome::undecided:
            return "undecided";
    }
    return "unattributed";
}

std::size_t Verdict::count(Outcome outcome) const {
    return static_cast<std::size_t>(std::count_if(
        findings.begin(), findings.end(), [&](const auto& f) { return f.outcome == outcome; }));
}

Verdict evaluate(const std::vector<Rule>& rules, const std::vector<ObservedListener>& listeners,
                 const StateDefaults& defaults, const MatchConventions& conventions) {
    Verdict verdict;
    for (const auto& rule : rules) {
        verdict.findings.push_back(judge_rule(rule, listeners, defaults, conventions));
        verdict.overall = worse_of(verdict.overall, verdict.findings.back().state);
    }
    std::stable_sort(
        verdict.findings.begin(), verdict.findings.end(),
        [](const Finding& a, const Finding& b) { return severity(a.state) > severity(b.state); });
    for (const auto& listener : listeners) {
        const bool covered = std::any_of(rules.begin(), rules.end(), [&](const Rule& rule) {
            return rule.spec.coverage(listener.socket) != PortSpec::Coverage::none;
        });
        if (!covered) {
            verdict.unlisted.push_back(&listener);
        }
    }
    return verdict;
}

void attach_occupants(Verdict& verdict, const std::vector<PortOccupant>& occupants,
                      const EphemeralPorts* ephemeral) {
    for (auto& finding : verdict.findings) {
        if (finding.outcome == Outcome::missing) {
            finding.occupation = occupation_of(*finding.rule, occupants, ephemeral);
        }
    }
}

}  // namespace port_owner
