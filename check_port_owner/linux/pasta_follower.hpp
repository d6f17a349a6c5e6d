// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/socket_model.hpp"
#include "linux/container_names.hpp"
#include "linux/user_names.hpp"

namespace port_owner::linux_os {

// Whether a holder is pasta (rootless Podman's port forwarder, from passt), as a package installs
// it (runs_packaged_executable). Debian's pasta re-executes passt.avx2 where the CPU has AVX2, so
// every name of the binary counts. It runs as the user who started the container.
bool is_pasta(const ProcessIdentity& holder);

// Follows every pasta among the listeners' holders: the port its -t/-u specs forward the held
// port to; the network namespace it forwards into, which pasta keeps open (a network namespace
// file among its fds, whether opened through /proc or through the bind mount --netns names: the
// file itself, never the path on the command line); the listeners there on that port (sock_diag
// on a thread that entered the namespace); their holders.
void follow_pastas(std::vector<ObservedListener>& listeners, UserNames& user_names,
                   ContainerNames& container_names);

}  // namespace port_owner::linux_os
