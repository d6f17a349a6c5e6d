// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/socket_model.hpp"
#include "linux/container_names.hpp"
#include "linux/user_names.hpp"

namespace port_owner::linux_os {

// Whether a holder is rootlessport (rootless Podman's port forwarder with slirp4netns), as a
// package installs it (runs_packaged_executable: Debian's is /usr/lib/podman/rootlessport).
bool is_rootlessport(const ProcessIdentity& holder);

// Follows every rootlessport among the listeners' holders. Podman hands it the port mappings on
// a pipe that is gone once it started, and its command line is only `rootlessport`; Podman keeps
// the same mappings in its state database, per container. So: the container is the one in that
// database (read_podman_containers, of the user running rootlessport) whose network namespace
// file rootlessport holds open; its mapping for the held listener gives the container port; the
// namespace is that of rootlessport's child (rootlessport-child, the kernel's word); then the
// listeners on that port there (sock_diag on a thread that entered it) and their holders, who
// carry that container. The mapping is the word of the user running Podman, like pasta's command
// line.
void follow_rootlessports(std::vector<ObservedListener>& listeners, UserNames& user_names,
                          ContainerNames& container_names);

}  // namespace port_owner::linux_os
