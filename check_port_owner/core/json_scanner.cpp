// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/json_scanner.hpp"

#include "core/whole_number.hpp"

namespace port_owner {

void JsonScanner::skip_blanks() {
    while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\n' ||
                                        text_[position_] == '\r' || text_[position_] == '\t')) {
        ++position_;
    }
}

bool JsonScanner::take(char expected) {
    if (position_ >= text_.size() || text_[position_] != expected) {
        return false;
    }
    ++position_;
    return true;
}

std::optional<std::string> JsonScanner::read_string() {
    if (!take('"')) {
        return std::nullopt;
    }
    std::string value;
    while (position_ < text_.size()) {
        const char next = text_[position_++];
        if (next == '"') {
            return value;
        }
        if (static_cast<unsigned char>(next) < 0x20) {
            return std::nullopt;
        }
        if (next != '\\') {
            value += next;
            continue;
        }
        if (position_ >= text_.size()) {
            return std::nullopt;
        }
        const char escaped = text_[position_++];
        switch (escaped) {
            case '"':
            case '\\':
            case '/':
                value += escaped;
                break;
            case 'b':
                value += '\b';
                break;
            case 'f':
                value += '\f';
                break;
            case 'n':
                value += '\n';
                break;
            case 'r':
                value += '\r';
                break;
            case 't':
                value += '\t';
                break;
            case 'u': {
                if (text_.size() - position_ < 4) {
                    return std::nullopt;
                }
                const auto code = parse_whole_number<unsigned>(text_.substr(position_, 4), 16);
                if (!code) {
                    return std::nullopt;
                }
                position_ += 4;
                value += *code < 0x80 ? static_cast<char>(*code) : '?';
                break;
            }
            default:
                return std::nullopt;
        }
    }
    return std::nullopt;
}

bool JsonScanner::digits() {
    const auto start = position_;
    while (peek() >= '0' && peek() <= '9') {
        ++position_;
    }
    return position_ > start;
}

std::string_view JsonScanner::read_number() {
    const auto start = position_;
    take('-');
    if (!digits()) {
        return {};
    }
    if (take('.') && !digits()) {
        return {};
    }
    if (take('e') || take('E')) {
        if (!take('+')) {
            take('-');
        }
        if (!digits()) {
            return {};
        }
    }
    return text_.substr(start, position_ - start);
}

bool JsonScanner::skip_value(int depth) {
    if (depth > deepest_nesting) {
        return false;
    }
    skip_blanks();
    const char first = peek();
    if (first == '"') {
        return read_string().has_value();
    }
    if (first == '-' || (first >= '0' && first <= '9')) {
        return !read_number().empty();
    }
    if (first == '{') {
        return read_object([&](const std::string&) { return skip_value(depth + 1); });
    }
    if (first == '[') {
        return read_array([&] { return skip_value(depth + 1); });
    }
    for (const std::string_view word : {"true", "false", "null"}) {
        if (text_.substr(position_).starts_with(word)) {
            position_ += word.size();
            return true;
        }
    }
    return false;
}

std::optional<JsonScanner::Fields> JsonScanner::read_flat_object(int depth) {
    Fields fields;
    const bool read = read_object([&](std::string& key) {
        for (const auto& field : fields) {
            if (field.key == key) {
                return false;
            }
        }
        if (peek() == '"') {
            auto value = read_string();
            if (!value) {
                return false;
            }
            fields.push_back({std::move(key), std::move(*value), true});
            return true;
        }
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
            const auto number = read_number();
            if (number.empty()) {
                return false;
            }
            fields.push_back({std::move(key), std::string(number), false});
            return true;
        }
        return skip_value(depth + 1);
    });
    if (!read) {
        return std::nullopt;
    }
    return fields;
}

}  // namespace port_owner
