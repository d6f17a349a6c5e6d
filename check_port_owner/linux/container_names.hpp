// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <string>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// Names containers from their engine's state on disk, once per container and check. Docker's
// name is in /var/lib/docker/containers/<id>/config.v2.json (root's; readable with the plugin's
// usual privilege, cap_dac_read_search). Podman's state is a database (BoltDB or SQLite) that this
// plugin does not read: its containers are named by id only.
class ContainerNames {
  public:
    // Fills in container.name when the engine's state names it; leaves it empty otherwise.
    void name(ContainerIdentity& container);

  private:
    std::map<std::string, std::string> cache_;  // id -> name ("" when none)
};

}  // namespace port_owner::linux_os
