// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/rootlesskit_ports.hpp"

#include <algorithm>
#include <utility>

#include "core/whole_number.hpp"

namespace port_owner {
namespace {

// Deep enough for rootlesskit's answer (array, object, spec: 3), shallow enough that a forged
// answer cannot exhaust the stack.
constexpr int deepest_nesting = 16;

// A reader over JSON text that keeps only what the port list needs: the string and number
// fields of each element's "spec" object. Any other value is parsed (so malformed text is
// refused) and dropped.
class PortListReader {
  public:
    explicit PortListReader(std::string_view text) : text_(text) {}

    std::optional<std::vector<RootlesskitPortSpec>> read() {
        std::vector<RootlesskitPortSpec> specs;
        skip_blanks();
        if (!take('[')) {
            return std::nullopt;
        }
        skip_blanks();
        if (!take(']')) {
            do {
                auto spec = read_element();
                if (!spec) {
                    return std::nullopt;
                }
                specs.push_back(std::move(*spec));
                skip_blanks();
            } while (take(','));
            if (!take(']')) {
                return std::nullopt;
            }
        }
        skip_blanks();
        if (position_ != text_.size()) {
            return std::nullopt;
        }
        return specs;
    }

  private:
    // A field of the spec object as its text; `quoted` for a JSON string (a port must be a
    // number, an address or protocol a string).
    struct Field {
        std::string key;
        std::string value;
        bool quoted = false;
    };
    using Fields = std::vector<Field>;

    // {"id":1,"spec":{...}}: the spec's fields.
    std::optional<RootlesskitPortSpec> read_element() {
        skip_blanks();
        if (!take('{')) {
            return std::nullopt;
        }
        std::optional<Fields> spec_fields;
        skip_blanks();
        if (!take('}')) {
            do {
                skip_blanks();
                auto key = read_string();
                skip_blanks();
                if (!key || !take(':')) {
                    return std::nullopt;
                }
                skip_blanks();
                if (*key == "spec") {
                    if (spec_fields) {
                        return std::nullopt;  // a second spec: which one counts is a guess
                    }
                    spec_fields = read_flat_object();
                    if (!spec_fields) {
                        return std::nullopt;
                    }
                } else if (!skip_value(1)) {
                    return std::nullopt;
                }
                skip_blanks();
            } while (take(','));
            if (!take('}')) {
                return std::nullopt;
            }
        }
        if (!spec_fields) {
            return std::nullopt;
        }
        return to_spec(*spec_fields);
    }

    static std::optional<std::uint16_t> port_of(const Field& field) {
        if (field.quoted) {
            return std::nullopt;
        }
        const auto port = parse_whole_number<std::uint16_t>(field.value);
        if (!port || *port == 0) {
            return std::nullopt;
        }
        return port;
    }

    static std::optional<RootlesskitPortSpec> to_spec(const Fields& fields) {
        RootlesskitPortSpec spec;
        bool has_proto = false;
        std::optional<std::uint16_t> parent_port;
        std::optional<std::uint16_t> child_port;
        for (const auto& field : fields) {
            const auto& key = field.key;
            if ((key == "proto" || key == "parentIP" || key == "childIP") && !field.quoted) {
                return std::nullopt;
            }
            if (key == "proto") {
                spec.proto = field.value;
                has_proto = true;
            } else if (key == "parentIP") {
                spec.parent_ip = field.value;
            } else if (key == "childIP") {
                spec.child_ip = field.value;
            } else if (key == "parentPort") {
                parent_port = port_of(field);
                if (!parent_port) {
                    return std::nullopt;
                }
            } else if (key == "childPort") {
                child_port = port_of(field);
                if (!child_port) {
                    return std::nullopt;
                }
            }
        }
        if (!has_proto || !parent_port || !child_port) {
            return std::nullopt;
        }
        spec.parent_port = *parent_port;
        spec.child_port = *child_port;
        return spec;
    }

    // An object whose string and number fields are kept as text; other values are skipped. A
    // field given twice is refused: which one rootlesskit meant would be a guess.
    std::optional<Fields> read_flat_object() {
        Fields fields;
        if (!take('{')) {
            return std::nullopt;
        }
        skip_blanks();
        if (take('}')) {
            return fields;
        }
        do {
            skip_blanks();
            auto key = read_string();
            skip_blanks();
            if (!key || !take(':')) {
                return std::nullopt;
            }
            for (const auto& field : fields) {
                if (field.key == *key) {
                    return std::nullopt;
                }
            }
            skip_blanks();
            if (peek() == '"') {
                auto value = read_string();
                if (!value) {
                    return std::nullopt;
                }
                fields.push_back({std::move(*key), std::move(*value), true});
            } else if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
                fields.push_back({std::move(*key), std::string(read_number()), false});
            } else if (!skip_value(2)) {
                return std::nullopt;
            }
            skip_blanks();
        } while (take(','));
        if (!take('}')) {
            return std::nullopt;
        }
        return fields;
    }

    bool skip_value(int depth) {
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
        if (first == '{' || first == '[') {
            const char close = first == '{' ? '}' : ']';
            ++position_;
            skip_blanks();
            if (take(close)) {
                return true;
            }
            do {
                skip_blanks();
                if (first == '{') {
                    if (!read_string()) {
                        return false;
                    }
                    skip_blanks();
                    if (!take(':')) {
                        return false;
                    }
                }
                if (!skip_value(depth + 1)) {
                    return false;
                }
                skip_blanks();
            } while (take(','));
            return take(close);
        }
        for (const std::string_view word : {"true", "false", "null"}) {
            if (text_.substr(position_).starts_with(word)) {
                position_ += word.size();
                return true;
            }
        }
        return false;
    }

    // A JSON number as its text: -?digits(.digits)?([eE][+-]?digits)?; empty when malformed.
    // Ports are then whole numbers or refused by parse_whole_number.
    std::string_view read_number() {
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

    bool digits() {
        const auto start = position_;
        while (peek() >= '0' && peek() <= '9') {
            ++position_;
        }
        return position_ > start;
    }

    // A JSON string's value. \uXXXX escapes are kept only for ASCII: rootlesskit writes none in
    // its fields, and a non-ASCII address or protocol would not match anyway.
    std::optional<std::string> read_string() {
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
                    // Outside ASCII: kept as '?', which no protocol or address contains.
                    value += *code < 0x80 ? static_cast<char>(*code) : '?';
                    break;
                }
                default:
                    return std::nullopt;
            }
        }
        return std::nullopt;
    }

    void skip_blanks() {
        while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\n' ||
                                            text_[position_] == '\r' || text_[position_] == '\t')) {
            ++position_;
        }
    }

    char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }

    bool take(char expected) {
        if (peek() != expected || position_ >= text_.size()) {
            return false;
        }
        ++position_;
        return true;
    }

    std::string_view text_;
    std::size_t position_ = 0;
};

bool case_insensitive_prefix(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
        if (lower(text[i]) != lower(prefix[i])) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<std::string_view> http_ok_body(std::string_view answer) {
    const auto line_end = answer.find("\r\n");
    if (line_end == std::string_view::npos) {
        return std::nullopt;
    }
    const auto status = answer.substr(0, line_end);
    if (!(status.starts_with("HTTP/1.0 200") || status.starts_with("HTTP/1.1 200")) ||
        (status.size() > 12 && status[12] != ' ')) {
        return std::nullopt;
    }
    const auto headers_end = answer.find("\r\n\r\n");
    if (headers_end == std::string_view::npos) {
        return std::nullopt;
    }
    auto headers = answer.substr(line_end + 2, headers_end - line_end);
    while (!headers.empty()) {
        const auto end = headers.find("\r\n");
        const auto header = headers.substr(0, end);
        if (case_insensitive_prefix(header, "transfer-encoding:")) {
            return std::nullopt;  // a chunked body would need decoding: not rootlesskit's answer
        }
        headers = end == std::string_view::npos ? std::string_view{} : headers.substr(end + 2);
    }
    return answer.substr(headers_end + 4);
}

std::optional<std::vector<RootlesskitPortSpec>> parse_rootlesskit_ports(std::string_view body) {
    return PortListReader(body).read();
}

bool rootlesskit_spec_serves(const RootlesskitPortSpec& spec, const Listener& held) {
    const std::string_view proto = spec.proto;
    const std::string_view transport = held.transport == Transport::tcp ? "tcp" : "udp";
    if (!proto.starts_with(transport) || spec.parent_port != held.port) {
        return false;
    }
    const auto suffix = proto.substr(3);
    if (suffix == "4") {
        if (held.address.family() != Family::ipv4) {
            return false;
        }
    } else if (suffix == "6") {
        if (held.address.family() != Family::ipv6) {
            return false;
        }
    } else if (!suffix.empty()) {
        return false;
    }
    if (spec.parent_ip.empty()) {
        return held.address.is_wildcard();
    }
    const auto address = IpAddress::parse(spec.parent_ip);
    if (!address) {
        return false;
    }
    if (address->is_wildcard()) {
        return held.address.is_wildcard();
    }
    return *address == held.address;
}

std::optional<std::string> rootlesskit_state_dir(std::string_view command_line) {
    std::optional<std::string> found;
    bool value_next = false;
    bool twice = false;
    std::size_t start = 0;
    while (start <= command_line.size()) {
        const auto end = std::min(command_line.find(' ', start), command_line.size());
        const auto argument = command_line.substr(start, end - start);
        start = end + 1;
        std::optional<std::string_view> value;
        if (value_next) {
            value = argument;
            value_next = false;
        } else if (argument == "--state-dir" || argument == "-state-dir") {
            value_next = true;
            continue;
        } else if (argument.starts_with("--state-dir=")) {
            value = argument.substr(12);
        } else if (argument.starts_with("-state-dir=")) {
            value = argument.substr(11);
        }
        if (value) {
            twice = twice || found.has_value();
            found = std::string(*value);
        }
    }
    if (twice || value_next || !found || found->empty()) {
        return std::nullopt;
    }
    return found;
}

}  // namespace port_owner
