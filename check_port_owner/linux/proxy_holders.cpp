// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/proxy_holders.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "linux/holder_scan.hpp"
#include "linux/privilege.hpp"

namespace port_owner::linux_os {

std::string setns_problem(int error) {
    if (error == EPERM) {
        return "entering the container's network namespace needs CAP_SYS_ADMIN (run the check as "
               "root or through sudo)";
    }
    return fmt::format("cannot enter a network namespace: {}", std::strerror(error));
}

void find_holders_behind(const std::vector<Listener>& behind, ProxyForwarding& forwarding,
                         UserNames& user_names, ContainerNames& container_names) {
    HolderScanRequest request;
    for (const auto& listener : behind) {
        request.sockets.push_back({listener.inode, listener.socket_uid});
    }
    raise_scan_capabilities();
    auto scan = scan_holders(request);
    lower_scan_capabilities();
    for (auto& [inode, holders] : scan.holders) {
        for (auto& holder : holders) {
            holder.user = user_names.name(holder.uid);
            if (holder.container) {
                container_names.name(*holder.container);
            }
            forwarding.holders.push_back(std::move(holder));
        }
    }
    // As for the host's listeners: a process denied even with full privilege is one no
    // configuration of the plugin could read, which does not put the holders in doubt.
    const auto& unexamined = scan.unexamined;
    const bool in_doubt =
        unexamined.failed > 0 || (unexamined.denied > 0 && !has_scan_capabilities());
    if (in_doubt) {
        // Another holder may hide among the processes that could not be read.
        forwarding.holders.clear();
        forwarding.problem = "not every process could be examined for the listener behind it";
    } else if (forwarding.holders.empty()) {
        forwarding.problem =
            "no process holds the listener behind it (the container's process exited?)";
    }
}

}  // namespace port_owner::linux_os
