// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/socket_model.hpp"
#include "linux/container_names.hpp"
#include "linux/unique_fd.hpp"
#include "linux/user_names.hpp"

namespace port_owner::linux_os {

// The network namespace of a proxy's child: the one process it started from its own executable
// (rootlesskit and rootlessport re-execute themselves as their child, in the container's
// namespaces; slirp4netns and the like are other programs), the kernel's word. Refused when the
// child runs in the plugin's own namespace, the host's (it would forward nothing). An invalid fd
// and the reason in `problem` otherwise; `program` names the proxy in it.
UniqueFd open_child_network_namespace(int pid, std::string_view program, std::string& problem);

// What every proxy follower says when setns() into the container's network namespace failed.
std::string setns_problem(int error);

// The holders of `behind` (the listeners a proxy forwards to, in the container's network
// namespace), with their user names and containers, into `forwarding.holders`; or, when they
// cannot all be known, the reason in `forwarding.problem`. Socket inodes are unique across
// namespaces, so the host's /proc walk finds them.
//
// `follow_behind`, when given, is called for each holder found with the listener it holds there:
// a proxy behind the proxy (rootless Docker's docker-proxy behind rootlesskit) is followed in
// turn.
using FollowBehind = std::function<void(ProcessIdentity& holder, const Listener& held)>;
void find_holders_behind(const std::vector<Listener>& behind, ProxyForwarding& forwarding,
                         UserNames& user_names, ContainerNames& container_names,
                         const FollowBehind& follow_behind = {});

// For a proxy whose target is a port in another network namespace (pasta, rootlesskit): the
// listeners on `port` there (both address families; sock_diag on a thread that enters
// `namespace_fd` and switches back), then their holders, into `forwarding`; or why not, in
// `forwarding.problem`. `where` names the namespace in that reason ("its network namespace").
void follow_port_in_namespace(int namespace_fd, Transport transport, std::uint16_t port,
                              std::string_view where, ProxyForwarding& forwarding,
                              UserNames& user_names, ContainerNames& container_names,
                              const FollowBehind& follow_behind = {});

}  // namespace port_owner::linux_os
