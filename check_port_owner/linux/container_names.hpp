// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// Names containers from their engine's state on disk, once per container and check, in the state
// of whoever made the container (ContainerIdentity::made_by):
// - Docker: <data root>/containers/<id>/config.v2.json, root's /var/lib/docker, a rootless
//   user's ~/.local/share/docker;
// - Podman 4: its state database (read_podman_containers), root's or the user's.
// A user's file is read as that user's word (open_users_file), and a container a user made keeps
// made_by_root false whatever it is named: container: entries need that user for it. A container
// whose maker is not known gets no name.
class ContainerNames {
  public:
    // Fills in container.name when the engine's state names it; leaves it empty otherwise.
    void name(ContainerIdentity& container);

  private:
    std::string look_up(const ContainerIdentity& container, std::uint32_t maker);
    const std::map<std::string, std::string>& podman_names(std::uint32_t maker);

    // (maker, id) -> name ("" when none)
    std::map<std::pair<std::uint32_t, std::string>, std::string> cache_;
    // maker -> Podman's containers, id -> name
    std::map<std::uint32_t, std::map<std::string, std::string>> podman_;
};

}  // namespace port_owner::linux_os
