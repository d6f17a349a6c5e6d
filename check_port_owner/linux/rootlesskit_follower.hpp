// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/socket_model.hpp"
#include "linux/container_names.hpp"
#include "linux/user_names.hpp"

namespace port_owner::linux_os {

// Whether a holder is rootlesskit (rootless Docker's port forwarder), as a package installs it
// (runs_packaged_executable). It runs as the user who started it.
bool is_rootlesskit(const ProcessIdentity& holder);

// Follows every rootlesskit among the listeners' holders: the mapping for the held listener, from
// its API socket (`GET /v1/ports` on DIR/api.sock, DIR its --state-dir; the socket must be the one
// rootlesskit itself listens on, by its peer credentials; the answer waits at most a few seconds
// and never past the check's -t deadline); the network namespace of its child (the process
// rootlesskit started from its own executable, the kernel's word); the listeners there on the
// mapping's child port (sock_diag on a thread that entered the namespace); their holders. The
// mapping is the word of the user running rootlesskit, like pasta's command line.
void follow_rootlesskits(std::vector<ObservedListener>& listeners, UserNames& user_names,
                         ContainerNames& container_names);

}  // namespace port_owner::linux_os
