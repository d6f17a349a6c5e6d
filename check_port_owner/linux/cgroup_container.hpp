// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// The container a process runs in, from the text of /proc/PID/cgroup: Docker's
// `docker-<id>.scope` (systemd cgroup driver) or `/docker/<id>` (cgroupfs driver), Podman's
// `libpod-<id>.scope` or `/libpod_parent/libpod-<id>`, where <id> is 64 lowercase hex digits.
// conmon, Podman's monitor, runs in `libpod-conmon-<id>.scope` on the host's side: not the
// container. The outermost match wins: a container nested in another is named by the one this
// host runs. Only the name is left empty; nullopt when the process is in no container.
std::optional<ContainerIdentity> container_from_cgroup(std::string_view cgroup_text);

// The same, with the container's cgroup directory (the path up to and including the component
// that names it, as /proc/PID/cgroup writes it: `/system.slice/docker-<id>.scope`).
struct ContainerCgroup {
    ContainerIdentity container;
    std::string directory;
};
std::optional<ContainerCgroup> find_container_cgroup(std::string_view cgroup_text);

}  // namespace port_owner::linux_os
