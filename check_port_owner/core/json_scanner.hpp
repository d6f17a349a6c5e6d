// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace port_owner {

// A strict reader of JSON text, token by token, for the few documents the plugin reads from
// other programs' state (rootlesskit's port list, Podman's container config). No JSON library:
// each reader keeps the handful of fields it needs and skips, but still checks, the rest. The
// text is the word of whoever runs that program, so every step refuses what is not JSON, nesting
// is bounded (deepest_nesting) so forged text cannot exhaust the stack, and nothing reads past
// the end.
class JsonScanner {
  public:
    // Deep enough for the documents read (Podman's config nests 7 deep), shallow enough for the
    // stack.
    static constexpr int deepest_nesting = 32;

    // A member of a flat object as its text; `quoted` for a JSON string (a port must be a number,
    // an address or protocol a string).
    struct Field {
        std::string key;
        std::string value;
        bool quoted = false;
    };
    using Fields = std::vector<Field>;

    explicit JsonScanner(std::string_view text) : text_(text) {}

    void skip_blanks();
    char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }
    // Takes `expected` when it is next.
    bool take(char expected);
    bool at_end() const { return position_ == text_.size(); }

    // A JSON string's value. \uXXXX escapes are kept only for ASCII (outside it: '?', which no
    // protocol, address or port contains).
    std::optional<std::string> read_string();
    // A JSON number as its text: -?digits(.digits)?([eE][+-]?digits)?; empty when malformed.
    std::string_view read_number();
    // Any value, checked and dropped; `depth` is the nesting it starts at.
    bool skip_value(int depth);
    // An object whose string and number members are kept as text; other values are skipped. A
    // member given twice is refused: which one the writer meant would be a guess.
    std::optional<Fields> read_flat_object(int depth);
    // `{` then each member's key, the scanner left at its value for `read_member` to take or
    // skip; false when the text is not such an object. `read_member(key)` returns false to
    // refuse the document.
    template <typename ReadMember>
    bool read_object(ReadMember&& read_member) {
        skip_blanks();
        if (!take('{')) {
            return false;
        }
        skip_blanks();
        if (take('}')) {
            return true;
        }
        do {
            skip_blanks();
            auto key = read_string();
            skip_blanks();
            if (!key || !take(':')) {
                return false;
            }
            skip_blanks();
            if (!read_member(*key)) {
                return false;
            }
            skip_blanks();
        } while (take(','));
        return take('}');
    }
    // `[` then each element, the scanner left at it for `read_element` to take; false when the
    // text is not such an array or `read_element` returns false.
    template <typename ReadElement>
    bool read_array(ReadElement&& read_element) {
        skip_blanks();
        if (!take('[')) {
            return false;
        }
        skip_blanks();
        if (take(']')) {
            return true;
        }
        do {
            skip_blanks();
            if (!read_element()) {
                return false;
            }
            skip_blanks();
        } while (take(','));
        return take(']');
    }

  private:
    bool digits();

    std::string_view text_;
    std::size_t position_ = 0;
};

}  // namespace port_owner
