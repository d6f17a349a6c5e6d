// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/container_names.hpp"

#include <fmt/format.h>

#include "core/container_name.hpp"
#include "linux/podman_state.hpp"
#include "linux/users_file.hpp"

namespace port_owner::linux_os {
namespace {

// config.v2.json holds the whole container configuration (environment, labels, mounts); a few KiB
// usually, and no sane one near this.
constexpr off_t max_docker_config = 4 << 20;

// Where Docker run by `maker` keeps its containers: root's dockerd, or rootless dockerd
// ($XDG_DATA_HOME/docker, by default in the home directory).
std::optional<std::string> docker_containers_folder(std::uint32_t maker) {
    if (maker == 0) {
        return std::string("/var/lib/docker/containers");
    }
    const auto home = home_directory_of(maker);
    return home ? std::optional(*home + "/.local/share/docker/containers") : std::nullopt;
}

std::string docker_name(const std::string& id, std::uint32_t maker) {
    const auto folder = docker_containers_folder(maker);
    if (!folder) {
        return {};
    }
    // The id is 64 hex digits (cgroup_container checks it), so the path cannot leave the folder.
    auto file =
        open_users_file(fmt::format("{}/{}/config.v2.json", *folder, id), maker, max_docker_config);
    const auto text = file.fd.valid() ? read_users_file(file) : std::nullopt;
    return text ? docker_container_name(*text).value_or(std::string()) : std::string();
}

}  // namespace

const std::map<std::string, std::string>& ContainerNames::podman_names(std::uint32_t maker) {
    auto found = podman_.find(maker);
    if (found == podman_.end()) {
        std::map<std::string, std::string> names;
        std::size_t unreadable = 0;
        std::string problem;
        if (const auto containers = read_podman_containers(maker, unreadable, problem)) {
            for (const auto& container : *containers) {
                names.emplace(container.config.id, container.config.name);
            }
        }
        found = podman_.emplace(maker, std::move(names)).first;
    }
    return found->second;
}

std::string ContainerNames::look_up(const ContainerIdentity& container, std::uint32_t maker) {
    if (container.engine == "docker") {
        return docker_name(container.id, maker);
    }
    if (container.engine == "podman") {
        const auto& names = podman_names(maker);
        const auto found = names.find(container.id);
        return found == names.end() ? std::string() : found->second;
    }
    return {};
}

void ContainerNames::name(ContainerIdentity& container) {
    // A name comes from the state of whoever made the container: a cgroup a user made may carry
    // the id of any of root's containers, and must not borrow its name.
    if (!container.made_by || (*container.made_by == 0) != container.made_by_root) {
        return;
    }
    const auto key = std::make_pair(*container.made_by, container.id);
    auto known = cache_.find(key);
    if (known == cache_.end()) {
        known = cache_.emplace(key, look_up(container, *container.made_by)).first;
    }
    container.name = known->second;
}

}  // namespace port_owner::linux_os
