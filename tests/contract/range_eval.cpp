// SPDX-License-Identifier: GPL-3.0-or-later
// Evaluates threshold ranges with the plugin's own range code, for the differential test
// (tests/contract/test_differential_ranges.py). Reads tab-separated lines on stdin and writes one
// answer line per input line on stdout:
//
//   range<TAB>RANGE<TAB>VALUE            -> "alert", "ok" or "invalid<TAB>MESSAGE"
//   threshold<TAB>WARN<TAB>CRIT<TAB>N    -> "ok", "warning", "critical" or "invalid<TAB>MESSAGE"
//
// `threshold` goes through apply_unlisted_policy with N unlisted listeners, the code path the
// plugin uses for -w/-c; an empty WARN or CRIT means that option was not given. A malformed
// input line is a bug of the test itself: exit 2 with a message on stderr.
#include <charconv>
#include <cstddef>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/input_error.hpp"
#include "core/threshold_range.hpp"
#include "core/unlisted_check.hpp"
#include "core/verdict.hpp"

namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> fields;
    while (true) {
        const auto tab = line.find('\t');
        fields.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) {
            return fields;
        }
        line.remove_prefix(tab + 1);
    }
}

std::optional<double> parse_value(std::string_view text) {
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::size_t> parse_count(std::string_view text) {
    std::size_t count = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (ec != std::errc{} || ptr != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return count;
}

std::string evaluate_range(std::string_view range_text, double value) {
    try {
        const auto range = port_owner::ThresholdRange::parse(range_text);
        return range.alerts(value) ? "alert" : "ok";
    } catch (const port_owner::InputError& error) {
        return std::string("invalid\t") + error.what();
    }
}

std::string evaluate_threshold(std::string_view warning, std::string_view critical,
                               std::size_t count) {
    port_owner::UnlistedPolicy policy;
    try {
        if (!warning.empty()) {
            policy.warning = port_owner::ThresholdRange::parse(warning);
        }
        if (!critical.empty()) {
            policy.critical = port_owner::ThresholdRange::parse(critical);
        }
    } catch (const port_owner::InputError& error) {
        return std::string("invalid\t") + error.what();
    }
    // The listeners themselves are never looked at without --ignore specs: only their count.
    port_owner::Verdict verdict;
    verdict.unlisted.assign(count, nullptr);
    port_owner::apply_unlisted_policy(verdict, policy);
    if (!verdict.unlisted_count) {
        return "none";
    }
    switch (verdict.unlisted_count->state) {
        case port_owner::State::ok:
            return "ok";
        case port_owner::State::warning:
            return "warning";
        case port_owner::State::critical:
            return "critical";
        case port_owner::State::unknown:
            return "unknown";
    }
    return "unexpected-state";
}

}  // namespace

int main() {
    std::string line;
    std::size_t line_number = 0;
    while (std::getline(std::cin, line)) {
        ++line_number;
        const auto fields = split_tabs(line);
        if (fields.size() == 3 && fields[0] == "range") {
            const auto value = parse_value(fields[2]);
            if (!value) {
                std::cerr << "range_eval: line " << line_number << ": bad value\n";
                return 2;
            }
            std::cout << evaluate_range(fields[1], *value) << '\n';
        } else if (fields.size() == 4 && fields[0] == "threshold") {
            const auto count = parse_count(fields[3]);
            if (!count) {
                std::cerr << "range_eval: line " << line_number << ": bad count\n";
                return 2;
            }
            std::cout << evaluate_threshold(fields[1], fields[2], *count) << '\n';
        } else {
            std::cerr << "range_eval: line " << line_number << ": malformed\n";
            return 2;
        }
    }
    std::cout.flush();
    return std::cout ? 0 : 2;
}
