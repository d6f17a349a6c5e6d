// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/excluded_port_ranges.hpp"

#include <cstdint>
#include <string>

#include "core/text_lines.hpp"
#include "core/text_trim.hpp"
#include "core/whole_number.hpp"

namespace port_owner::windows_os {
namespace {

// The line under the column titles: dashes, one group per column, separated by blanks.
bool is_column_rule(std::string_view line) {
    const auto text = trim_blanks(line);
    return text.size() >= 2 && text.front() == '-' &&
           text.find_first_not_of("- \t") == std::string_view::npos &&
           text.find_first_of(" \t") != std::string_view::npos;
}

std::vector<std::string_view> words_of(std::string_view line) {
    std::vector<std::string_view> words;
    constexpr std::string_view blanks = " \t\r";
    std::size_t at = line.find_first_not_of(blanks);
    while (at != std::string_view::npos) {
        const auto end = line.find_first_of(blanks, at);
        words.push_back(line.substr(at, end == std::string_view::npos ? end : end - at));
        at = end == std::string_view::npos ? end : line.find_first_not_of(blanks, end);
    }
    return words;
}

bool starts_with_digit(std::string_view word) {
    return !word.empty() && word.front() >= '0' && word.front() <= '9';
}

// A row: START END [*]. nullopt when the line starts like a row but is not one.
std::optional<ExcludedPortRow> parse_row(const std::vector<std::string_view>& words) {
    if (words.size() < 2 || words.size() > 3 || (words.size() == 3 && words[2] != "*")) {
        return std::nullopt;
    }
    const auto low = parse_whole_number<std::uint16_t>(words[0]);
    const auto high = parse_whole_number<std::uint16_t>(words[1]);
    if (!low || !high || *low > *high) {
        return std::nullopt;
    }
    return ExcludedPortRow{PortRange{*low, *high}, words.size() == 3};
}

}  // namespace

std::optional<std::vector<ExcludedPortRow>> parse_excluded_port_ranges(std::string_view text) {
    bool in_table = false;
    std::vector<ExcludedPortRow> rows;
    for (const std::string_view line : TextLines(text)) {
        if (!in_table) {
            in_table = is_column_rule(line);
            continue;
        }
        const auto words = words_of(line);
        if (words.empty()) {
            continue;  // the blank line before the footnote
        }
        if (!starts_with_digit(words.front())) {
            return rows;  // the footnote ("* - Administered port exclusions.")
        }
        const auto row = parse_row(words);
        if (!row) {
            return std::nullopt;
        }
        rows.push_back(*row);
    }
    if (!in_table) {
        return std::nullopt;
    }
    return rows;
}

}  // namespace port_owner::windows_os
