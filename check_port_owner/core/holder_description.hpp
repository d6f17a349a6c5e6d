// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

#include "core/socket_model.hpp"

namespace port_owner {

// One holder as the long output shows it, every field escaped:
// `msproxy pid 4242 user root exe /opt/ms/msproxy unit ms.service`.
// With verbosity >= 1 the parent pid and the command line follow. A process in a container names
// it; a container engine's proxy is followed by ` -> ` and the holders behind it (or why they
// could not be found).
std::string describe_holder(const ProcessIdentity& holder, int verbosity);

// The container as the output names it, escaped: `container web (3f2a9c1b2d4e)`, or
// `container 3f2a9c1b2d4e` when the engine's state gives no name.
std::string describe_container(const ContainerIdentity& container);

// One holder for line 1: `nginx (pid 4242, user root)`; a proxy with what is behind it:
// `docker-proxy (pid 812) -> container web (3f2a9c1b2d4e): nginx (pid 4242, user root)`.
std::string describe_holder_briefly(const ProcessIdentity& holder);

// Whether an address is shown with its port: where the port is already said, it is left out.
enum class AddressForm { without_port, with_port };

// A listener's address as the output shows it: `0.0.0.0`, `[::]`, or `0.0.0.0:80`, `[::1]:80`.
std::string describe_address(const Listener& listener, AddressForm form);

}  // namespace port_owner
