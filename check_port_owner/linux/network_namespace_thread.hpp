// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

namespace port_owner::linux_os {

// Runs `work` on a thread of its own that has entered the network namespace open at
// `namespace_fd` (a /proc/PID/ns/net), and waits for it. setns(CLONE_NEWNET) moves only the
// calling thread, and the sockets it then creates (netlink sock_diag, getifaddrs) belong to that
// namespace; the plugin's other threads stay where they are. The thread switches back to the
// namespace it started in before it ends, so nothing it leaves behind runs in the container's.
// Returns 0, or the errno of the failed setns (EPERM: entering needs CAP_SYS_ADMIN); `work` does
// not run then. An exception from `work` is rethrown here.
int run_in_network_namespace(int namespace_fd, const std::function<void()>& work);

}  // namespace port_owner::linux_os
