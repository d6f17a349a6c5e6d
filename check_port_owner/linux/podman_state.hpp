// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/podman_port_mappings.hpp"

namespace port_owner::linux_os {

// A container as rootless Podman 4 keeps it in its state database: its config, and the path of
// the network namespace file Podman made for it (empty when it has none, e.g. stopped).
struct PodmanContainer {
    PodmanContainerConfig config;
    std::string network_namespace;
};

// The containers of the user `uid`, from the state database Podman 4 keeps: for a user (rootless
// Podman) ~/.local/share/containers/storage/libpod/bolt_state.db (the home directory from the
// user database), for root /var/lib/containers/storage/libpod/bolt_state.db; a graph root
// configured elsewhere is not looked for. The file is read as that user's word (open_users_file:
// a regular file of theirs, not a symlink), under a shared lock, as bbolt readers do, so that a
// Podman writing at the same time is waited for briefly (and never past the check's deadline)
// rather than read half-written. nullopt and the reason in `problem` when it cannot be read. A
// container whose config is not what Podman 4 writes is left out and counted in `unreadable`.
std::optional<std::vector<PodmanContainer>> read_podman_containers(std::uint32_t uid,
                                                                   std::size_t& unreadable,
                                                                   std::string& problem);

}  // namespace port_owner::linux_os
