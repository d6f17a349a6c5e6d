// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/container_names.hpp"

#include <fcntl.h>

#include "core/container_name.hpp"
#include "linux/file_reading.hpp"

namespace port_owner::linux_os {
namespace {

// config.v2.json holds the whole container configuration (environment, labels, mounts); a few KiB
// usually, and no sane one near this.
constexpr std::size_t max_docker_config = 4 << 20;

std::string docker_name(const std::string& id) {
    // The id is 64 hex digits (cgroup_container checks it), so the path cannot leave the folder.
    const auto path = "/var/lib/docker/containers/" + id + "/config.v2.json";
    std::string text;
    if (read_file_at(AT_FDCWD, path.c_str(), text, max_docker_config) != 0) {
        return {};
    }
    return docker_container_name(text).value_or(std::string());
}

}  // namespace

void ContainerNames::name(ContainerIdentity& container) {
    // Root's engine names root's containers: a cgroup a user made may carry the id of any of
    // them, and must not borrow its name.
    if (!container.made_by_root) {
        return;
    }
    const auto known = cache_.find(container.id);
    if (known != cache_.end()) {
        container.name = known->second;
        return;
    }
    container.name = container.engine == "docker" ? docker_name(container.id) : std::string();
    cache_.emplace(container.id, container.name);
}

}  // namespace port_owner::linux_os
