// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "core/socket_model.hpp"
#include "linux/container_names.hpp"
#include "linux/user_names.hpp"

namespace port_owner::linux_os {

// Whether a holder is Docker's port proxy: docker-proxy as a package installs it
// (runs_packaged_executable), run as root, as dockerd starts it.
bool is_docker_proxy(const ProcessIdentity& holder);

// Follows every docker-proxy among the listeners' holders to the listener behind it, and fills in
// its `proxy`: the container address and port from its command line (which must name the very
// listener it holds); the one network namespace with an interface on that address; the listener
// there on that port (sock_diag on a thread that entered the namespace); its holders (a /proc
// walk), with their user names and containers. When a step fails, `proxy.problem` says which.
void follow_docker_proxies(std::vector<ObservedListener>& listeners, UserNames& user_names,
                           ContainerNames& container_names);

// Whether a holder found behind rootlesskit is the docker-proxy rootless Docker starts there:
// docker-proxy as a package installs it, run by a user (not root) in a user namespace other
// than the plugin's (rootless dockerd runs in rootlesskit's).
bool is_rootless_docker_proxy(const ProcessIdentity& holder);

// Follows such a docker-proxy, which holds `held` in rootlesskit's child network namespace, as
// follow_docker_proxies follows root's, but looks for the container's address only among the
// network namespaces its own user namespace owns: the command line is the user's word, and
// leads to none but the user's containers (never to root's or another user's).
void follow_rootless_docker_proxy(ProcessIdentity& proxy, const Listener& held,
                                  UserNames& user_names, ContainerNames& container_names);

}  // namespace port_owner::linux_os
