// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/cgroup_container.hpp"

#include <algorithm>

#include "core/text_lines.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::size_t container_id_length = 64;

bool is_container_id(std::string_view text) {
    return text.size() == container_id_length && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

// The id in `<prefix><id><suffix>`, when `component` is exactly that.
std::optional<std::string_view> id_between(std::string_view component, std::string_view prefix,
                                           std::string_view suffix) {
    if (!component.starts_with(prefix) || !component.ends_with(suffix) ||
        component.size() < prefix.size() + suffix.size()) {
        return std::nullopt;
    }
    const auto id =
        component.substr(prefix.size(), component.size() - prefix.size() - suffix.size());
    return is_container_id(id) ? std::optional(id) : std::nullopt;
}

std::optional<ContainerCgroup> container_in_path(std::string_view path) {
    const auto whole = path;
    std::string_view previous;
    while (!path.empty()) {
        const auto slash = path.find('/');
        const auto component = path.substr(0, slash);
        path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
        const auto end =
            static_cast<std::size_t>(component.data() - whole.data()) + component.size();
        std::optional<std::string_view> id;
        std::string_view engine;
        if ((id = id_between(component, "docker-", ".scope"))) {
            engine = "docker";
        } else if (previous == "docker" && is_container_id(component)) {
            id = component;
            engine = "docker";
        } else if ((id = id_between(component, "libpod-", ".scope")) ||
                   (id = id_between(component, "libpod-", ""))) {
            // "libpod-conmon-<id>" fails is_container_id: the digits do not start after "libpod-".
            engine = "podman";
        }
        if (id) {
            // Member by member: GCC 12 at -O3 warns (maybe-uninitialized) about the name of a
            // nested aggregate built in one braced expression.
            ContainerCgroup found;
            found.container.engine = engine;
            found.container.id = *id;
            found.directory = whole.substr(0, end);
            return found;
        }
        previous = component;
    }
    return std::nullopt;
}

}  // namespace

std::optional<ContainerIdentity> container_from_cgroup(std::string_view cgroup_text) {
    auto found = find_container_cgroup(cgroup_text);
    return found ? std::optional(std::move(found->container)) : std::nullopt;
}

std::optional<ContainerCgroup> find_container_cgroup(std::string_view cgroup_text) {
    std::optional<ContainerCgroup> fallback;
    for (const std::string_view line : TextLines(cgroup_text)) {
        // hierarchy-id:controllers:path; the unified hierarchy (0::) is the one to trust, any
        // other (cgroup v1) is a fallback.
        const auto first = line.find(':');
        const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) {
            continue;
        }
        auto found = container_in_path(line.substr(second + 1));
        if (line.substr(0, second + 1) == "0::" && found) {
            return found;
        }
        if (!fallback) {
            fallback = std::move(found);
        }
    }
    return fallback;
}

}  // namespace port_owner::linux_os
