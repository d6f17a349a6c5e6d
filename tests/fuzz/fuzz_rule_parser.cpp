// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the -p rule parser: `SPEC[=ALLOW[,ALLOW...]]`, where a `cmdline:` condition takes the
// rest of the argument.
//
// Input: the rule text, optionally followed by '\n' and bytes that describe a listener and a
// holder process, so that what parses is also used: PortSpec::label() must parse back to the same
// spec, covers() must agree with the spec's transport and ports, and every allow entry is matched
// against the holder.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/allow_entry.hpp"
#include "core/input_error.hpp"
#include "core/rule.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace port_owner;

// Takes `count` bytes from the front of `rest` (fewer when it is shorter).
std::string_view take(std::string_view& rest, std::size_t count) {
    const auto piece = rest.substr(0, count);
    rest.remove_prefix(piece.size());
    return piece;
}

std::uint8_t byte_at(std::string_view text, std::size_t i) {
    return i < text.size() ? static_cast<std::uint8_t>(text[i]) : 0;
}

Listener make_listener(std::string_view& rest, const PortSpec& spec) {
    const auto control = take(rest, 4);
    Listener listener;
    listener.transport = (byte_at(control, 0) & 1) != 0 ? Transport::udp : Transport::tcp;
    listener.v6only = (byte_at(control, 0) & 2) != 0;
    // Mostly a port near the rule's range, so the interesting comparisons happen.
    const int offset = static_cast<int>(byte_at(control, 1) % 5) - 2;
    const int port = ((byte_at(control, 0) & 4) != 0 ? spec.ports.high : spec.ports.low) + offset;
    listener.port = static_cast<std::uint16_t>(std::clamp(port, 0, 65535));
    listener.socket_uid = byte_at(control, 2);
    switch (byte_at(control, 3) % 5) {
        case 0:
            listener.address = IpAddress::any(Family::ipv4);
            break;
        case 1:
            listener.address = IpAddress::any(Family::ipv6);
            break;
        case 2:
            listener.address = spec.address.value_or(IpAddress::any(Family::ipv4));
            break;
        case 3: {
            std::array<std::uint8_t, 4> bytes{};
            const auto raw = take(rest, bytes.size());
            std::copy(raw.begin(), raw.end(), bytes.begin());
            listener.address = IpAddress::ipv4(bytes);
            break;
        }
        default: {
            std::array<std::uint8_t, 16> bytes{};
            const auto raw = take(rest, bytes.size());
            std::copy(raw.begin(), raw.end(), bytes.begin());
            listener.address = IpAddress::ipv6(bytes);
            break;
        }
    }
    return listener;
}

ProcessIdentity make_holder(std::string_view rest) {
    // Fields separated by '\0': exe, comm, user, unit, command line. (fuzz_allow_entry_match
    // matches cmdline: regexes against long command lines.)
    ProcessIdentity holder;
    std::array<std::string, 5> fields;
    for (auto& field : fields) {
        const auto end = rest.find('\0');
        field = std::string(rest.substr(0, end));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    if (!fields[0].empty()) {
        holder.executable = fields[0];
    }
    holder.comm = fields[1];
    holder.user = fields[2];
    holder.unit = fields[3];
    holder.command_line = fields[4];
    holder.uid = static_cast<std::uint32_t>(fields[2].size());
    return holder;
}

void check_spec(const PortSpec& spec) {
    FUZZ_CHECK(spec.ports.low >= 1 && spec.ports.low <= spec.ports.high);
    if (spec.address) {
        FUZZ_CHECK(spec.family && *spec.family == spec.address->family());
    }
    // The canonical label is itself a valid spec, naming the same thing.
    const auto label = spec.label();
    PortSpec again;
    try {
        again = PortSpec::parse(label);
    } catch (const InputError&) {
        FUZZ_CHECK(!"the label of a parsed spec does not parse");
    }
    FUZZ_CHECK(again.transport == spec.transport);
    FUZZ_CHECK(again.family == spec.family);
    FUZZ_CHECK(again.address == spec.address);
    FUZZ_CHECK(again.ports == spec.ports);
    FUZZ_CHECK(again.label() == label);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = port_owner::fuzz::as_text(data, size);
    const auto split = port_owner::fuzz::split_first_line(input);
    const auto text = split.line;
    auto rest = split.rest;

    Rule rule;
    try {
        rule = parse_rule_argument(text);
    } catch (const InputError&) {
        return 0;  // rejected with a message: what the plugin should do with bad input
    }
    check_spec(rule.spec);
    FUZZ_CHECK(rule.label() == rule.spec.label());
    (void)rule.allowed_text();

    const auto listener = make_listener(rest, rule.spec);
    if (rule.spec.covers(listener)) {
        FUZZ_CHECK(listener.transport == rule.spec.transport);
        FUZZ_CHECK(rule.spec.ports.contains(listener.port));
    }
    const auto holder = make_holder(rest);
    for (const auto& entry : rule.allow) {
        FUZZ_CHECK(!entry.conditions().empty());
        // A cmdline: condition takes the rest of the argument: last condition of the last entry.
        for (const auto& condition : entry.conditions()) {
            FUZZ_CHECK(condition.kind != AllowCondition::Kind::command_line ||
                       (&entry == &rule.allow.back() && &condition == &entry.conditions().back()));
        }
        for (const auto& conventions :
             {MatchConventions::for_linux(), MatchConventions::for_windows()}) {
            (void)entry.match(holder, conventions);
            (void)entry.matches_socket_owner(listener, conventions);
            (void)entry.why_never_matches(conventions);
        }
    }
    return 0;
}
