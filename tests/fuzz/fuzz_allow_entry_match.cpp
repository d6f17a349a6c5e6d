// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes an allow entry against a long command line: the grammar of `+` and `cmdline:`, and the
// matcher, RE2, whose time must stay linear in the command line whatever the pattern.
//
// Input: the entry text, then '\n', two bytes (little endian) giving the command line's length,
// two control bytes choosing a slice of it, and the command line's text. A text shorter than the
// length is repeated up to it, so that a short input still makes a command line of up to 64 KiB
// (the plugin reads at most 8 KiB). libFuzzer's -timeout catches a match that is not quick.
//
// Properties besides "no crash":
// - the conditions, written back with their prefixes and joined by '+', are the entry's text, and
//   only the last condition may be `cmdline:` (it takes the rest of the entry);
// - in a -p argument, an entry ends at its first ',' unless a `cmdline:` condition comes first,
//   which takes the rest of the argument, commas included;
// - a `cmdline:` regex that quotes a slice of the command line (RE2::QuoteMeta) finds it, wherever
//   it is and whatever invalid UTF-8 is around it: the search is a search, not a full match.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <re2/re2.h>

#include "core/allow_entry.hpp"
#include "core/input_error.hpp"
#include "core/rule.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace port_owner;

constexpr std::size_t max_command_line = 64 * 1024;
constexpr std::size_t max_slice = 64;
constexpr std::size_t max_pattern = 1024;  // the plugin's limit on a cmdline: pattern

std::uint8_t take_byte(std::string_view& rest) {
    if (rest.empty()) {
        return 0;
    }
    const auto byte = static_cast<std::uint8_t>(rest.front());
    rest.remove_prefix(1);
    return byte;
}

std::string long_command_line(std::size_t length, std::string_view text) {
    length = std::min(std::max(length, text.size()), max_command_line);
    if (text.empty()) {
        return {};
    }
    std::string line;
    line.reserve(length);
    while (line.size() < length) {
        line.append(text.substr(0, length - line.size()));
    }
    return line;
}

ProcessIdentity holder_with(std::string command_line) {
    ProcessIdentity holder;
    holder.pid = 4242;
    holder.executable = "/usr/bin/python3";
    holder.comm = "gunicorn";
    holder.uid = 33;
    holder.user = "www-data";
    holder.unit = "app.service";
    holder.command_line = std::move(command_line);
    return holder;
}

std::string_view prefix_of(AllowCondition::Kind kind) {
    switch (kind) {
        case AllowCondition::Kind::executable_name:
            return "";
        case AllowCondition::Kind::executable_path:
            return "exe:";
        case AllowCondition::Kind::comm:
            return "name:";
        case AllowCondition::Kind::user:
            return "user:";
        case AllowCondition::Kind::unit:
            return "unit:";
        case AllowCondition::Kind::service:
            return "service:";
        case AllowCondition::Kind::command_line:
            return "cmdline:";
        case AllowCondition::Kind::container:
            return "container:";
    }
    return "?";
}

void check_grammar(const AllowEntry& entry, std::string_view text) {
    const auto& conditions = entry.conditions();
    FUZZ_CHECK(!conditions.empty());
    std::string written;
    for (std::size_t i = 0; i < conditions.size(); ++i) {
        const bool last = i + 1 == conditions.size();
        FUZZ_CHECK(last || conditions[i].kind != AllowCondition::Kind::command_line);
        if (i > 0) {
            written += '+';
        }
        written += prefix_of(conditions[i].kind);
        written += conditions[i].value;
    }
    FUZZ_CHECK(written == text);

    // In a list, the entry ends at its first ',' before a cmdline: condition; from there on, a
    // cmdline: condition takes the rest of the list.
    const bool takes_the_rest = conditions.back().kind == AllowCondition::Kind::command_line;
    const auto before_regex =
        takes_the_rest ? text.size() - conditions.back().value.size() : text.size();
    const auto comma = text.substr(0, before_regex).find(',');
    const std::string list = std::string(text) + ",nginx";
    const auto expected = comma != std::string_view::npos ? comma
                          : takes_the_rest                ? list.size()
                                                          : text.size();
    FUZZ_CHECK(AllowEntry::length_in_list(list, ',') == expected);

    // The same entry last in a -p argument, after another entry: it keeps its text, commas and
    // all, as long as no ',' comes before its cmdline: condition and no blank surrounds it.
    if (takes_the_rest && comma == std::string_view::npos && text.find_first_of(" \t\r") != 0 &&
        text.find_last_of(" \t\r") != text.size() - 1) {
        const auto rule = parse_rule_argument("80=nginx," + std::string(text));
        FUZZ_CHECK(rule.allow.size() == 2);
        FUZZ_CHECK(rule.allow[1].text() == text);
    }
}

// A regex quoting a slice of the command line must find it there.
void check_literal_search(const ProcessIdentity& holder, std::uint8_t start_control,
                          std::uint8_t length_control) {
    const auto& line = holder.command_line;
    if (line.empty()) {
        return;
    }
    const auto start = line.size() * start_control / 256;
    const auto slice = std::string_view(line).substr(start, 1 + length_control % max_slice);
    const auto pattern = re2::RE2::QuoteMeta(re2::StringPiece(slice.data(), slice.size()));
    if (pattern.size() > max_pattern) {
        return;
    }
    AllowEntry entry;
    try {
        entry = AllowEntry::parse("cmdline:" + pattern);
    } catch (const InputError&) {
        // A pattern must be UTF-8: a slice that is not cannot be written as a regex literally.
        FUZZ_CHECK(!port_owner::fuzz::is_valid_utf8(slice));
        return;
    }
    FUZZ_CHECK(entry.match(holder, MatchConventions::for_linux()) == MatchKind::matched);
    FUZZ_CHECK(entry.match(holder, MatchConventions::for_windows()) == MatchKind::matched);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = port_owner::fuzz::as_text(data, size);
    const auto split = port_owner::fuzz::split_first_line(input);
    const auto text = split.line;
    auto rest = split.rest;
    const std::size_t length = take_byte(rest) | (std::size_t{take_byte(rest)} << 8);
    const auto slice_start = take_byte(rest);
    const auto slice_length = take_byte(rest);
    const auto holder = holder_with(long_command_line(length, rest));

    check_literal_search(holder, slice_start, slice_length);

    AllowEntry entry;
    try {
        entry = AllowEntry::parse(text);
    } catch (const InputError&) {
        return 0;  // rejected with a message: what the plugin should do with bad input
    }
    check_grammar(entry, text);
    (void)entry.match(holder, MatchConventions::for_linux());
    (void)entry.match(holder, MatchConventions::for_windows());
    (void)entry.why_never_matches(MatchConventions::for_windows());
    return 0;
}
