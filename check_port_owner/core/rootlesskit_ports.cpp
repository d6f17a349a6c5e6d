// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/rootlesskit_ports.hpp"

#include <algorithm>
#include <utility>

#include "core/json_scanner.hpp"
#include "core/whole_number.hpp"

namespace port_owner {
namespace {

using Field = JsonScanner::Field;
using Fields = JsonScanner::Fields;

std::optional<std::uint16_t> port_of(const Field& field) {
    if (field.quoted) {
        return std::nullopt;
    }
    const auto port = parse_whole_number<std::uint16_t>(field.value);
    if (!port || *port == 0) {
        return std::nullopt;
    }
    return port;
}

std::optional<RootlesskitPortSpec> to_spec(const Fields& fields) {
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

// {"id":1,"spec":{...}}: the spec's fields, kept; every other member checked and dropped.
std::optional<RootlesskitPortSpec> read_element(JsonScanner& json) {
    std::optional<Fields> spec_fields;
    const bool read = json.read_object([&](const std::string& key) {
        if (key != "spec") {
            return json.skip_value(2);
        }
        if (spec_fields) {
            return false;  // a second spec: which one counts is a guess
        }
        spec_fields = json.read_flat_object(2);
        return spec_fields.has_value();
    });
    if (!read || !spec_fields) {
        return std::nullopt;
    }
    return to_spec(*spec_fields);
}

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
    JsonScanner json(body);
    std::vector<RootlesskitPortSpec> specs;
    const bool read = json.read_array([&] {
        auto spec = read_element(json);
        if (spec) {
            specs.push_back(std::move(*spec));
        }
        return spec.has_value();
    });
    json.skip_blanks();
    if (!read || !json.at_end()) {
        return std::nullopt;
    }
    return specs;
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
