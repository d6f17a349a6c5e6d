// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/report.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "core/holder_description.hpp"
#include "core/occupant_description.hpp"
#include "core/output_widths.hpp"
#include "core/perfdata.hpp"
#include "core/text_escape.hpp"

namespace port_owner {
namespace {

constexpr std::size_t max_first_line = 1024;
constexpr std::size_t max_output = 8192;
constexpr std::size_t max_summary = 600;
constexpr std::size_t max_line = 1024;     // one long-output line
constexpr std::size_t marker_room = 80;    // kept free for the "lines cut" marker
constexpr std::size_t min_line_room = 40;  // below this a line would say nothing useful
// The summary names a few unlisted listeners as examples; -v lists them all.
constexpr std::size_t unlisted_examples = 3;
// The run time is printed in as few characters as it needs (time=0.01s, time=0.123456s); the
// room left for the rest of the output is counted as if it took its widest form, the most a run
// within the longest timeout (3,600 s) can print, so that where the summary and the long output
// are cut does not depend on how long this run took: two runs on the same host print the same
// lines, and an engine's copy can be compared with a direct run.
constexpr double widest_run_seconds = 9999.999999;
// A message of the plugin's own that stopped the check, with room left in the first line for
// the "PORT_OWNER UNKNOWN - " before it.
constexpr std::size_t max_failure_message = 900;

std::string plural(std::size_t count, std::string_view word) {
    return fmt::format("{} {}{}", count, word, count == 1 ? "" : "s");
}

std::string rule_label(const Finding& finding) {
    return escape_text(finding.rule->label(), label_width);
}

std::string allowed_text(const Finding& finding) {
    return finding.rule->allow.empty() ? std::string("any program")
                                       : escape_text(finding.rule->allowed_text(), reason_width);
}

std::string attribution_problem(const ObservedListener& listener) {
    return listener.attribution_problem.empty()
               ? std::string("no process holds the socket")
               : escape_text(listener.attribution_problem, reason_width);
}

std::string unattributed_reason(const Unattributed& unattributed) {
    return unattributed.reason.empty() ? attribution_problem(*unattributed.listener)
                                       : escape_text(unattributed.reason, reason_width);
}

const ProcessIdentity* first_holder(const Finding& finding) {
    for (const auto* listener : finding.listeners) {
        if (!listener->holders.empty()) {
            return &listener->holders.front();
        }
    }
    return nullptr;
}

// For a rule nobody listens on: the reserved ranges its ports lie in, which explain why no
// program could take them ("in the excluded port range 49671-49770"); empty when none. With
// `who`, also who reserves them.
enum class ReservedBy { omitted, named };

std::string excluded_ranges_text(const Finding& finding, const ReportContext& context,
                                 ReservedBy who) {
    const auto& ports = finding.rule->spec.ports;
    const auto ranges = excluded_ranges_overlapping(context.excluded_port_ranges,
                                                    finding.rule->spec.transport, ports);
    if (ranges.empty()) {
        return {};
    }
    std::vector<std::string> spans;
    for (const auto* range : ranges) {
        spans.push_back(fmt::format("{}-{}", range->ports.low, range->ports.high));
    }
    auto text = fmt::format("{} excluded port range{} {}",
                            ports.low == ports.high ? "in the" : "overlaps the",
                            ranges.size() == 1 ? "" : "s", fmt::join(spans, ", "));
    if (who == ReservedBy::named && !ranges.front()->reserved_by.empty()) {
        text += ", reserved by " + escape_text(ranges.front()->reserved_by, reason_width);
    }
    return text;
}

// The summary of one finding for line 1: what is wrong, who is to blame, what was expected.
std::string summarize(const Finding& finding, const ReportContext& context) {
    switch (finding.outcome) {
        case Outcome::unexpected: {
            const auto& culprit = *finding.culprits.front().holder;
            std::set<int> pids;
            for (const auto& other : finding.culprits) {
                pids.insert(other.holder->pid);
            }
            return fmt::format(
                "{} held by {}{}, expected {}", rule_label(finding),
                describe_holder_briefly(culprit),
                pids.size() > 1 ? fmt::format(" and {} more", pids.size() - 1) : std::string(),
                allowed_text(finding));
        }
        case Outcome::missing: {
            const auto excluded = excluded_ranges_text(finding, context, ReservedBy::omitted);
            return fmt::format("{} not listening{}{}, expected {}", rule_label(finding),
                               excluded.empty() ? std::string() : " (" + excluded + ")",
                               occupation_summary(finding.occupation), allowed_text(finding));
        }
        case Outcome::unattributed: {
            const auto& unattributed = finding.unattributed.front();
            if (unattributed.holder != nullptr && unattributed.holder->proxy) {
                return fmt::format("{} holder {} not verified: {}", rule_label(finding),
                                   describe_holder_briefly(*unattributed.holder),
                                   unattributed_reason(unattributed));
            }
            if (unattributed.holder != nullptr) {
                return fmt::format(
                    "{} holder {} (pid {}, user {}) not verified: {}", rule_label(finding),
                    escape_text(unattributed.holder->display_name(), name_width),
                    unattributed.holder->pid, escape_text(unattributed.holder->user, name_width),
                    unattributed_reason(unattributed));
            }
            return fmt::format("{} {} (socket owner {}): {}", rule_label(finding),
                               unattributed.listener->holders.empty() ? "holder not identified"
                                                                      : "holders not all examined",
                               escape_text(unattributed.listener->socket.socket_user, name_width),
                               unattributed_reason(unattributed));
        }
        case Outcome::undecided:
            return fmt::format("{} undecided: {}", rule_label(finding),
                               escape_text(finding.undecided_reason, reason_width));
        case Outcome::ok:
            break;
    }
    const auto* holder = first_holder(finding);
    if (holder != nullptr && (holder->proxy || holder->container)) {
        return fmt::format("{} {}", rule_label(finding), describe_holder_briefly(*holder));
    }
    return holder ? fmt::format("{} {}", rule_label(finding),
                                escape_text(holder->display_name(), name_width))
                  : rule_label(finding);
}

std::string unlisted_summary(const Verdict& verdict) {
    const auto& count = *verdict.unlisted_count;
    std::vector<std::string> examples;
    for (std::size_t i = 0; i < verdict.unlisted.size() && i < unlisted_examples; ++i) {
        const auto& listener = *verdict.unlisted[i];
        auto example = fmt::format("{}/{}", transport_name(listener.socket.transport),
                                   describe_address(listener.socket, AddressForm::with_port));
        if (!listener.holders.empty()) {
            // Appended in two steps: GCC 12 at -O3 reports a false -Wrestrict inside
            // operator+(const char*, string&&).
            example += ' ';
            example += escape_text(listener.holders.front().display_name(), name_width);
        }
        examples.push_back(std::move(example));
    }
    auto text = plural(verdict.unlisted.size(), "unlisted listener");
    const auto& range = count.state == State::critical ? count.critical_text : count.warning_text;
    if (count.state != State::ok && range) {
        text += fmt::format(" ({} {})", count.state == State::critical ? "-c" : "-w",
                            escape_text(*range, range_width));
    }
    if (!examples.empty()) {
        text += fmt::format(": {}", fmt::join(examples, ", "));
    }
    return text;
}

bool unlisted_is_worst(const Verdict& verdict) {
    if (!verdict.unlisted_count || verdict.unlisted_count->state == State::ok) {
        return false;
    }
    return verdict.findings.empty() ||
           severity(verdict.unlisted_count->state) > severity(verdict.findings.front().state);
}

std::string first_line_summary(const Verdict& verdict, const ReportContext& context) {
    const bool unlisted_problem =
        verdict.unlisted_count && verdict.unlisted_count->state != State::ok;
    if (unlisted_is_worst(verdict)) {
        return cut_to_length(unlisted_summary(verdict), max_summary);
    }
    if (verdict.findings.empty()) {
        return verdict.unlisted_count ? unlisted_summary(verdict) : "no rules";
    }
    const auto& worst = verdict.findings.front();
    std::string summary;
    if (worst.state == State::ok) {
        summary = fmt::format("{} OK:", plural(verdict.findings.size(), "rule"));
        const char* separator = " ";
        for (const auto& finding : verdict.findings) {
            summary += separator + summarize(finding, context);
            separator = ", ";
        }
        if (verdict.unlisted_count) {
            summary += "; " + plural(verdict.unlisted.size(), "unlisted listener");
        }
        return cut_to_length(summary, max_summary);
    }
    summary = summarize(worst, context);
    std::vector<std::string> others;
    for (std::size_t i = 1; i < verdict.findings.size(); ++i) {
        const auto& finding = verdict.findings[i];
        if (finding.state != State::ok) {
            others.push_back(
                fmt::format("{} {}", rule_label(finding), outcome_name(finding.outcome)));
        }
    }
    if (unlisted_problem) {
        others.push_back(plural(verdict.unlisted.size(), "unlisted listener"));
    }
    if (!others.empty()) {
        summary += "; also " + fmt::format("{}", fmt::join(others, ", "));
    }
    return cut_to_length(summary, max_summary);
}

std::string listener_addresses(const Finding& finding) {
    // A rule for one port has said it already; a range rule's listeners each name theirs.
    const auto form = finding.rule->spec.ports.low != finding.rule->spec.ports.high
                          ? AddressForm::with_port
                          : AddressForm::without_port;
    std::vector<std::string> addresses;
    auto shown = finding.listeners;
    shown.insert(shown.end(), finding.uncertain.begin(), finding.uncertain.end());
    for (const auto* listener : shown) {
        auto address = describe_address(listener->socket, form);
        if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
            addresses.push_back(std::move(address));
        }
    }
    return fmt::format("{}", fmt::join(addresses, ", "));
}

std::string describe_ok_holders(const Finding& finding, int verbosity) {
    std::vector<const ProcessIdentity*> holders;
    std::set<int> pids;
    for (const auto* listener : finding.listeners) {
        for (const auto& holder : listener->holders) {
            if (pids.insert(holder.pid).second) {
                holders.push_back(&holder);
            }
        }
    }
    if (holders.empty()) {
        const auto& socket = finding.listeners.front()->socket;
        return fmt::format("holder not identified, socket owner {}",
                           escape_text(socket.socket_user, name_width));
    }
    // A prefork server has many holders; one line per rule names the first and counts the rest
    // unless the admin asked for detail.
    const std::size_t shown = verbosity >= 2 ? holders.size() : 1;
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < shown; ++i) {
        parts.push_back(describe_holder(*holders[i], verbosity));
    }
    auto text = fmt::format("{}", fmt::join(parts, "; "));
    if (holders.size() > shown) {
        text += fmt::format(" (+{} more)", holders.size() - shown);
    }
    return text;
}

std::string long_line(const Finding& finding, const ReportContext& context) {
    const int verbosity = context.verbosity;
    const auto head = fmt::format("{} {}", state_word(finding.state), rule_label(finding));
    std::string detail;
    switch (finding.outcome) {
        case Outcome::missing: {
            // Nobody listens, yet no program can take the port: the system keeps it, or another
            // socket occupies it.
            const auto excluded = excluded_ranges_text(finding, context, ReservedBy::named);
            return fmt::format("{}: not listening (allowed: {}){}{}", head, allowed_text(finding),
                               excluded.empty()
                                   ? std::string()
                                   : fmt::format("; {}: no other program can bind it", excluded),
                               occupation_detail(finding.occupation, verbosity));
        }
        case Outcome::ok:
            if (finding.listeners.empty()) {
                return fmt::format("{}: not listening, not required (allowed: {})", head,
                                   allowed_text(finding));
            }
            detail = describe_ok_holders(finding, verbosity);
            break;
        case Outcome::unexpected: {
            // A prefork impostor can have hundreds of workers: name a few and count the rest, so
            // one rule cannot crowd the others out of the 8 KiB.
            const std::size_t shown_limit = verbosity >= 2 ? 10 : 3;
            std::vector<std::string> culprits;
            std::set<int> pids;
            for (const auto& culprit : finding.culprits) {
                if (pids.insert(culprit.holder->pid).second && culprits.size() < shown_limit) {
                    culprits.push_back(describe_holder(*culprit.holder, verbosity));
                }
            }
            const auto hidden = pids.size() - culprits.size();
            detail = fmt::format("{}{} (allowed: {})", fmt::join(culprits, "; "),
                                 hidden > 0 ? fmt::format(" (+{} more)", hidden) : std::string(),
                                 allowed_text(finding));
            break;
        }
        case Outcome::unattributed: {
            const auto& unattributed = finding.unattributed.front();
            const auto& socket = unattributed.listener->socket;
            const auto& seen = unattributed.listener->holders;
            if (unattributed.holder != nullptr) {
                detail = fmt::format("holder not verified: {}",
                                     describe_holder(*unattributed.holder, verbosity));
            } else if (!seen.empty()) {
                detail = fmt::format(
                    "seen {}{}, but other holders cannot be ruled out",
                    describe_holder(seen.front(), verbosity),
                    seen.size() > 1 ? fmt::format(" (+{} more)", seen.size() - 1) : std::string());
            } else {
                detail = "holder not identified";
            }
            detail += fmt::format(
                ", socket owner {}: {} (allowed: {})",
                socket.socket_owner_known
                    ? fmt::format("{} uid {}", escape_text(socket.socket_user, name_width),
                                  socket.socket_uid)
                    : std::string("unknown"),
                unattributed_reason(unattributed), allowed_text(finding));
            break;
        }
        case Outcome::undecided:
            detail =
                fmt::format("{} (allowed: {})", escape_text(finding.undecided_reason, reason_width),
                            allowed_text(finding));
            break;
    }
    if (!finding.never_matching.empty()) {
        detail += fmt::format(
            " [{}]", escape_text(fmt::format("{}", fmt::join(finding.never_matching, "; ")), 300));
    }
    for (const auto* listener : finding.listeners) {
        if (!listener->holders_complete && !listener->holders.empty() &&
            finding.outcome == Outcome::ok) {
            detail += fmt::format(" [holder list may be incomplete, accepted by socket owner: {}]",
                                  attribution_problem(*listener));
            break;
        }
    }
    return fmt::format("{} {}: {}", head, listener_addresses(finding), detail);
}

std::string unlisted_line(const ObservedListener& listener, int verbosity) {
    auto text = fmt::format("unlisted {}/{}", transport_name(listener.socket.transport),
                            describe_address(listener.socket, AddressForm::with_port));
    if (!listener.holders.empty()) {
        text += ": " + describe_holder(listener.holders.front(), verbosity);
    } else {
        text +=
            fmt::format(": socket owner {}", escape_text(listener.socket.socket_user, name_width));
    }
    return text;
}

std::string unlisted_count_line(const Verdict& verdict) {
    const auto& count = *verdict.unlisted_count;
    std::vector<std::string> ranges;
    if (count.warning_text) {
        ranges.push_back("-w " + escape_text(*count.warning_text, range_width));
    }
    if (count.critical_text) {
        ranges.push_back("-c " + escape_text(*count.critical_text, range_width));
    }
    return fmt::format("{} unlisted: {} ({})", state_word(count.state),
                       plural(verdict.unlisted.size(), "listener"), fmt::join(ranges, ", "));
}

std::vector<PerfValue> perf_values(const Verdict& verdict, const ReportContext& context) {
    const auto count = [](std::string label, std::size_t value) {
        PerfValue perf;
        perf.label = std::move(label);
        perf.value = static_cast<double>(value);
        perf.minimum = 0;
        return perf;
    };
    std::vector<PerfValue> values{
        count("rules", verdict.findings.size()),
        count("rules_ok", verdict.count(Outcome::ok)),
        count("rules_missing", verdict.count(Outcome::missing)),
        count("rules_unexpected", verdict.count(Outcome::unexpected)),
        // An undecided rule is one whose holders could not be confirmed either.
        count("rules_unattributed",
              verdict.count(Outcome::unattributed) + verdict.count(Outcome::undecided)),
        count("listeners", context.listeners_seen),
    };
    if (verdict.unlisted_count) {
        auto unlisted = count("unlisted", verdict.unlisted.size());
        unlisted.warning = verdict.unlisted_count->warning_number;
        unlisted.critical = verdict.unlisted_count->critical_number;
        values.push_back(unlisted);
    }
    PerfValue time;
    time.label = "time";
    time.value = context.scan_seconds;
    // One character assigned as such: GCC 12 at -O3 reports a false -Wrestrict when a string
    // literal is copied in here.
    time.unit = 's';
    time.minimum = 0;
    values.push_back(time);
    return values;
}

}  // namespace

std::string format_report(const Verdict& verdict, const ReportContext& context) {
    const auto perfdata = format_perfdata(perf_values(verdict, context));
    const auto run_time_text = format_perf_number(context.scan_seconds).size();
    const auto widest_run_time_text = format_perf_number(widest_run_seconds).size();
    const std::size_t run_time_slack =
        widest_run_time_text > run_time_text ? widest_run_time_text - run_time_text : 0;
    auto first = fmt::format("PORT_OWNER {} - ", state_word(verdict.overall));
    const std::size_t room = max_first_line - first.size() - perfdata.size() - run_time_slack - 4;
    first += cut_to_length(first_line_summary(verdict, context), room);
    std::string output = first + " | " + perfdata + "\n";

    std::vector<std::string> lines;
    if (unlisted_is_worst(verdict)) {
        lines.push_back(unlisted_count_line(verdict));
    }
    for (const auto& finding : verdict.findings) {
        lines.push_back(long_line(finding, context));
    }
    if (verdict.unlisted_count && !unlisted_is_worst(verdict)) {
        lines.push_back(unlisted_count_line(verdict));
    }
    // With thresholds the unlisted listeners are the reason for the state, so they are shown.
    for (const auto& note : context.notes) {
        lines.push_back("note: " + escape_text(note, reason_width));
    }
    if (context.verbosity >= 1 || verdict.unlisted_count) {
        for (const auto* listener : verdict.unlisted) {
            lines.push_back(unlisted_line(*listener, context.verbosity));
        }
    }
    for (std::size_t i = 0; i < lines.size(); ++i) {
        // Keep room for the marker line so the cut is always visible; a long line is shortened
        // rather than dropped, and the lines after it still get their turn.
        const std::size_t used = output.size() + run_time_slack + 1;
        const std::size_t room =
            used + marker_room < max_output ? max_output - marker_room - used : 0;
        if (room < min_line_room) {
            output += fmt::format("... {} more lines cut (output limited to {} KiB)\n",
                                  lines.size() - i, max_output / 1024);
            break;
        }
        output += cut_to_length(lines[i], std::min(room, max_line)) + "\n";
    }
    return output;
}

std::string format_tool_failure(std::string_view message) {
    return fmt::format("PORT_OWNER UNKNOWN - {}\n", escape_text(message, max_failure_message));
}

}  // namespace port_owner
