// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "core/socket_model.hpp"
#include "linux/user_names.hpp"

namespace port_owner::linux_os {

// Socket activation: where PID 1, if systemd, holds a listener, asks it (D-Bus) whether it holds it
// for an active .socket unit. If so, that holder becomes the service the unit triggers: its running
// main process, or before activation (and always for Accept=yes) the program of its ExecStart=,
// carrying both unit names; a process systemd has forked and that has not run its program yet
// holds PID 1's descriptors, and is PID 1's holding, not one of its own. PID 1 holding a socket
// for no socket unit stays as it is. When systemd
// cannot be asked, each PID 1 holder says so (ProcessIdentity::SocketActivation::unconfirmed), so
// that nothing is decided on the unit it may or may not serve. Costs nothing (no bus connection)
// when PID 1 holds none of the listeners.
void attribute_socket_activation(std::vector<ObservedListener>& listeners, UserNames& user_names);

}  // namespace port_owner::linux_os
