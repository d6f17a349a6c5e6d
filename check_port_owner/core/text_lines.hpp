// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>
#include <type_traits>

namespace port_owner {

// One line of a text and its number, counted from 1 (for error messages that name the line).
struct NumberedLine {
    int number = 0;
    std::string_view text;
};

// The lines of a text, split at '\n', as views into it:
//
//   for (const std::string_view line : TextLines(text)) { ... }
//   for (const auto [number, line] : NumberedTextLines(text)) { ... }
//
// The '\n' is not part of a line; a last line without one is still a line; a final '\n' does not
// start an empty line after it, so "a\nb\n" and "a\nb" are both two lines and "" is none. A CR
// stays in the line: the callers that accept CRLF text trim it with the other blanks.
template <typename Line>
class LinesOf {
  public:
    class Iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Line;
        using difference_type = std::ptrdiff_t;

        Iterator() = default;
        explicit Iterator(std::string_view text) : rest_(text) { advance(); }

        Line operator*() const {
            if constexpr (std::is_same_v<Line, NumberedLine>) {
                return line_;
            } else {
                return line_.text;
            }
        }
        Iterator& operator++() {
            advance();
            return *this;
        }
        void operator++(int) { advance(); }
        bool operator==(std::default_sentinel_t) const { return done_; }

      private:
        void advance() {
            if (rest_.empty()) {
                done_ = true;
                return;
            }
            const auto newline = rest_.find('\n');
            line_ = {line_.number + 1, rest_.substr(0, newline)};
            rest_.remove_prefix(newline == std::string_view::npos ? rest_.size() : newline + 1);
        }

        std::string_view rest_;
        NumberedLine line_;
        bool done_ = false;
    };

    explicit LinesOf(std::string_view text) : text_(text) {}

    Iterator begin() const { return Iterator(text_); }
    std::default_sentinel_t end() const { return std::default_sentinel; }

  private:
    std::string_view text_;
};

using TextLines = LinesOf<std::string_view>;
using NumberedTextLines = LinesOf<NumberedLine>;

}  // namespace port_owner
