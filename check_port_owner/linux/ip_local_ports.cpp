// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/ip_local_ports.hpp"

#include <cstdint>

#include "core/whole_number.hpp"

namespace port_owner::linux_os {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
    const auto value = parse_whole_number<unsigned>(text);
    if (!value || *value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(*value);
}

std::optional<PortRange> parse_range(std::string_view low_text, std::string_view high_text) {
    const auto low = parse_port(low_text);
    const auto high = parse_port(high_text);
    if (!low || !high || *low > *high) {
        return std::nullopt;
    }
    return PortRange{*low, *high};
}

// The file's text without the one newline the kernel ends it with.
std::string_view without_newline(std::string_view text) {
    if (text.ends_with('\n')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

std::optional<PortRange> parse_local_port_range(std::string_view text) {
    text = without_newline(text);
    const auto tab = text.find('\t');
    if (tab == std::string_view::npos) {
        return std::nullopt;
    }
    return parse_range(text.substr(0, tab), text.substr(tab + 1));
}

std::optional<std::vector<PortRange>> parse_reserved_ports(std::string_view text) {
    text = without_newline(text);
    std::vector<PortRange> reserved;
    if (text.empty()) {
        return reserved;
    }
    while (true) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        const auto dash = item.find('-');
        const auto range = dash == std::string_view::npos
                               ? parse_range(item, item)
                               : parse_range(item.substr(0, dash), item.substr(dash + 1));
        if (!range) {
            return std::nullopt;
        }
        reserved.push_back(*range);
        if (comma == std::string_view::npos) {
            return reserved;
        }
        text.remove_prefix(comma + 1);
    }
}

}  // namespace port_owner::linux_os
