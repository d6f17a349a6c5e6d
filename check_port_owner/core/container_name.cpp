// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/container_name.hpp"

#include <algorithm>

namespace port_owner {
namespace {

// Docker allows longer names in principle; nobody names a container with more, and the output
// cuts names anyway.
constexpr std::size_t max_container_name = 255;

class JsonCursor {
  public:
    explicit JsonCursor(std::string_view text) : text_(text) {}

    bool at_end() const { return position_ >= text_.size(); }
    char peek() const { return text_[position_]; }
    void advance() { ++position_; }

    void skip_blanks() {
        while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
            advance();
        }
    }

    // At a '"': the raw text between the quotes (escapes left as written); nullopt when the string
    // does not end.
    std::optional<std::string_view> read_string() {
        const auto start = position_ + 1;
        for (auto i = start; i < text_.size(); ++i) {
            if (text_[i] == '\\') {
                ++i;  // whatever follows is escaped, a quote too
            } else if (text_[i] == '"') {
                position_ = i + 1;
                return text_.substr(start, i - start);
            }
        }
        return std::nullopt;
    }

  private:
    std::string_view text_;
    std::size_t position_ = 0;
};

}  // namespace

bool is_container_name(std::string_view text) {
    const auto is_alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    return !text.empty() && text.size() <= max_container_name && is_alnum(text.front()) &&
           std::all_of(text.begin(), text.end(),
                       [&](char c) { return is_alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool is_container_id(std::string_view text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::optional<std::string> docker_container_name(std::string_view config_json) {
    JsonCursor cursor(config_json);
    cursor.skip_blanks();
    if (cursor.at_end() || cursor.peek() != '{') {
        return std::nullopt;
    }
    // Walks the text once, keeping the nesting depth: only a string at depth 1 followed by ':'
    // is a member name of the top-level object. Anything else is skipped token by token.
    std::size_t depth = 0;
    bool expecting_name = false;  // right after '{' or ',' at depth 1
    while (!cursor.at_end()) {
        const char c = cursor.peek();
        if (c == '"') {
            const bool is_member_name = depth == 1 && expecting_name;
            const auto text = cursor.read_string();
            if (!text) {
                return std::nullopt;
            }
            expecting_name = false;
            if (!is_member_name || *text != "Name") {
                continue;
            }
            cursor.skip_blanks();
            if (cursor.at_end() || cursor.peek() != ':') {
                return std::nullopt;
            }
            cursor.advance();
            cursor.skip_blanks();
            if (cursor.at_end() || cursor.peek() != '"') {
                return std::nullopt;  // "Name": null, or a number: no name
            }
            auto value = cursor.read_string();
            if (!value) {
                return std::nullopt;
            }
            // Docker stores the name with a leading '/' (its old link hierarchy).
            if (value->starts_with('/')) {
                value->remove_prefix(1);
            }
            return is_container_name(*value) ? std::optional(std::string(*value)) : std::nullopt;
        }
        if (c == '{' || c == '[') {
            ++depth;
            expecting_name = c == '{';
        } else if (c == '}' || c == ']') {
            if (depth == 0) {
                return std::nullopt;
            }
            --depth;
            if (depth == 0) {
                return std::nullopt;  // the top-level object ended without a name
            }
        } else if (c == ',') {
            // A ',' inside an array or nested object is not followed by a top-level name.
            expecting_name = depth == 1;
        }
        cursor.advance();
    }
    return std::nullopt;
}

}  // namespace port_owner
