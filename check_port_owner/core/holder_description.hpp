// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

#include "core/socket_model.hpp"

namespace port_owner {

// One holder as the long output shows it, every field escaped:
// `msproxy pid 4242 user root exe /opt/ms/msproxy unit ms.service`.
// With verbosity >= 1 the parent pid and the command line follow.
std::string describe_holder(const ProcessIdentity& holder, int verbosity);

// Whether an address is shown with its port: where the port is already said, it is left out.
enum class AddressForm { without_port, with_port };

// A listener's address as the output shows it: `0.0.0.0`, `[::]`, or `0.0.0.0:80`, `[::1]:80`.
std::string describe_address(const Listener& listener, AddressForm form);

}  // namespace port_owner
