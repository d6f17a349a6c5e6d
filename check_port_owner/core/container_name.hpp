// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace port_owner {

// What Docker and Podman accept as a container name: [a-zA-Z0-9][a-zA-Z0-9_.-]*.
bool is_container_name(std::string_view text);

// A full container id as Docker and Podman make one: 64 lowercase hex digits.
bool is_container_id(std::string_view text);

// The container's name in Docker's state file (/var/lib/docker/containers/<id>/config.v2.json):
// the top-level "Name" member, "/web" for a container named web. No JSON library: this reads that
// one member and nothing else, skipping every other value whatever it holds (strings with escapes,
// nested objects). The file is written by dockerd, but the name is chosen by whoever created the
// container, so only a well-formed name is returned: nullopt for anything else (no such member,
// an escape in it, a character Docker would refuse, text that is not JSON where it is read).
std::optional<std::string> docker_container_name(std::string_view config_json);

}  // namespace port_owner
