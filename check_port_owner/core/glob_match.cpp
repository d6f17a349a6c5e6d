// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/glob_match.hpp"

#include <optional>

namespace port_owner {
namespace {

// fnmatch's character classes in the C locale.
std::optional<bool> in_class(std::string_view name, unsigned char c) {
    const bool upper = c >= 'A' && c <= 'Z';
    const bool lower = c >= 'a' && c <= 'z';
    const bool digit = c >= '0' && c <= '9';
    const bool alpha = upper || lower;
    const bool space = c == ' ' || (c >= '\t' && c <= '\r');
    const bool print = c >= 0x20 && c < 0x7f;
    if (name == "alpha")
        return alpha;
    if (name == "digit")
        return digit;
    if (name == "alnum")
        return alpha || digit;
    if (name == "upper")
        return upper;
    if (name == "lower")
        return lower;
    if (name == "space")
        return space;
    if (name == "blank")
        return c == ' ' || c == '\t';
    if (name == "punct")
        return print && c != ' ' && !alpha && !digit;
    if (name == "print")
        return print;
    if (name == "graph")
        return print && c != ' ';
    if (name == "cntrl")
        return c < 0x20 || c == 0x7f;
    if (name == "xdigit")
        return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    return std::nullopt;
}

// The outcome of matching one bracket expression against one byte.
enum class BracketResult { matches, differs, invalid, unclosed };

// Matches the bracket expression starting after '[' at pattern[start]; on success `end` is the
// position after its closing ']'.
BracketResult match_bracket(std::string_view pattern, std::size_t start, unsigned char c,
                            std::size_t& end) {
    std::size_t position = start;
    const bool negated =
        position < pattern.size() && (pattern[position] == '!' || pattern[position] == '^');
    if (negated) {
        ++position;
    }
    bool found = false;
    bool first = true;
    while (true) {
        if (position >= pattern.size()) {
            return BracketResult::unclosed;
        }
        unsigned char low = static_cast<unsigned char>(pattern[position]);
        if (low == ']' && !first) {
            ++position;
            break;
        }
        first = false;
        if (low == '[' && position + 1 < pattern.size() && pattern[position + 1] == ':') {
            const auto close = pattern.find(":]", position + 2);
            if (close == std::string_view::npos) {
                return BracketResult::unclosed;
            }
            const auto member = in_class(pattern.substr(position + 2, close - position - 2), c);
            if (!member) {
                return BracketResult::invalid;
            }
            found = found || *member;
            position = close + 2;
            continue;
        }
        if (low == '\\') {
            if (++position >= pattern.size()) {
                return BracketResult::unclosed;
            }
            low = static_cast<unsigned char>(pattern[position]);
        }
        ++position;
        unsigned char high = low;
        if (position + 1 < pattern.size() && pattern[position] == '-' &&
            pattern[position + 1] != ']') {
            std::size_t high_at = position + 1;
            if (pattern[high_at] == '\\' && high_at + 1 < pattern.size()) {
                ++high_at;
            }
            high = static_cast<unsigned char>(pattern[high_at]);
            position = high_at + 1;
        }
        found = found || (c >= low && c <= high);
    }
    end = position;
    return found != negated ? BracketResult::matches : BracketResult::differs;
}

}  // namespace

bool glob_matches(std::string_view pattern, std::string_view text) {
    // Classic matching with one backtrack point: every token but '*' consumes exactly one byte,
    // so on a mismatch it suffices to let the last '*' swallow one more byte (linear in practice,
    // never exponential).
    std::size_t p = 0;
    std::size_t t = 0;
    std::optional<std::size_t> star_pattern;
    std::size_t star_text = 0;
    while (t < text.size() || p < pattern.size()) {
        if (p < pattern.size()) {
            const char token = pattern[p];
            if (token == '*') {
                star_pattern = ++p;
                star_text = t;
                continue;
            }
            if (t < text.size()) {
                const auto c = static_cast<unsigned char>(text[t]);
                bool step = false;
                std::size_t next = p + 1;
                if (token == '?') {
                    step = true;
                } else if (token == '[') {
                    switch (match_bracket(pattern, p + 1, c, next)) {
                        case BracketResult::matches:
                            step = true;
                            break;
                        case BracketResult::differs:
                            break;
                        case BracketResult::invalid:
                            return false;
                        case BracketResult::unclosed:
                            step = c == '[';
                            next = p + 1;
                            break;
                    }
                } else if (token == '\\') {
                    if (p + 1 >= pattern.size()) {
                        return false;
                    }
                    step = c == static_cast<unsigned char>(pattern[p + 1]);
                    next = p + 2;
                } else {
                    step = c == static_cast<unsigned char>(token);
                }
                if (step) {
                    p = next;
                    ++t;
                    continue;
                }
            }
        }
        if (star_pattern && star_text < text.size()) {
            p = *star_pattern;
            t = ++star_text;
            continue;
        }
        return false;
    }
    return true;
}

}  // namespace port_owner
