// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/cgroup_unit.hpp"

#include "core/text_lines.hpp"

namespace port_owner::linux_os {
namespace {

bool is_unit_name(std::string_view name) {
    // A unit name has something before its suffix: ".service" alone is not one.
    const auto has_suffix = [&](std::string_view suffix) {
        return name.size() > suffix.size() && name.ends_with(suffix);
    };
    return has_suffix(".service") || has_suffix(".scope");
}

std::string last_unit_in_path(std::string_view path) {
    std::string_view unit;
    while (!path.empty()) {
        const auto slash = path.find('/');
        const auto component = path.substr(0, slash);
        if (is_unit_name(component)) {
            unit = component;
        }
        path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
    }
    return std::string(unit);
}

}  // namespace

std::string unit_from_cgroup(std::string_view cgroup_text) {
    std::string fallback;
    for (const std::string_view line : TextLines(cgroup_text)) {
        // hierarchy-id:controllers:path
        const auto first = line.find(':');
        const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) {
            continue;
        }
        const auto hierarchy = line.substr(0, second + 1);
        const auto path = line.substr(second + 1);
        if (hierarchy == "0::") {
            if (auto unit = last_unit_in_path(path); !unit.empty()) {
                return unit;
            }
        } else if (line.substr(first + 1, second - first - 1) == "name=systemd") {
            fallback = last_unit_in_path(path);
        }
    }
    return fallback;
}

}  // namespace port_owner::linux_os
