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

// The last unit component of `path` and the path up to and including it.
CgroupUnit last_unit_in_path(std::string_view path, bool unified) {
    CgroupUnit found;
    found.unified = unified;
    std::size_t start = 0;
    while (start < path.size()) {
        const auto slash = path.find('/', start);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        const auto component = path.substr(start, end - start);
        if (is_unit_name(component)) {
            found.unit = std::string(component);
            found.directory = std::string(path.substr(0, end));
        }
        start = end + 1;
    }
    return found;
}

}  // namespace

CgroupUnit unit_cgroup_from_cgroup(std::string_view cgroup_text) {
    CgroupUnit fallback;
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
            if (auto unit = last_unit_in_path(path, true); !unit.unit.empty()) {
                return unit;
            }
        } else if (line.substr(first + 1, second - first - 1) == "name=systemd") {
            fallback = last_unit_in_path(path, false);
        }
    }
    return fallback;
}

std::string unit_from_cgroup(std::string_view cgroup_text) {
    return unit_cgroup_from_cgroup(cgroup_text).unit;
}

}  // namespace port_owner::linux_os
