// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// Whether a holder is rootlessport (rootless Podman's port forwarder with slirp4netns), as a
// package installs it (runs_packaged_executable: Debian's is /usr/libexec/podman/rootlessport).
bool is_rootlessport(const ProcessIdentity& holder);

// Marks every rootlessport among the listeners' holders as a proxy that cannot be followed, and
// why. Its child (rootlessport-child) runs in the container's network namespace, but which port
// there a host port leads to is known to rootlessport alone: Podman writes the mappings to its
// stdin, a pipe read and gone once it started; its command line is only `rootlessport`; the one
// socket it serves (TMPDIR/rp/<container id>) takes a new child address and re-adds every port,
// so asking it would change the forwarding, and it answers only "OK". Guessing the port (the only
// listener in the namespace, the same number) could vouch for the wrong program, so the listener
// is UNATTRIBUTED unless the rule names rootlessport itself.
void mark_rootlessports(std::vector<ObservedListener>& listeners);

}  // namespace port_owner::linux_os
