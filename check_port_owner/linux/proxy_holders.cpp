// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/proxy_holders.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "linux/holder_scan.hpp"
#include "linux/listener_source.hpp"
#include "linux/network_namespace_thread.hpp"
#include "linux/privilege.hpp"
#include "linux/sock_diag_source.hpp"

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

void follow_port_in_namespace(int namespace_fd, Transport transport, std::uint16_t port,
                              std::string_view where, ProxyForwarding& forwarding,
                              UserNames& user_names, ContainerNames& container_names) {
    std::vector<Listener> behind;
    std::string failure;
    const int error = run_in_network_namespace(namespace_fd, [&] {
        try {
            SockDiagSource source;
            for (const auto family : {Family::ipv4, Family::ipv6}) {
                auto found = source.list(transport, family, {{port, port}});
                behind.insert(behind.end(), found.begin(), found.end());
            }
        } catch (const ListenerSourceError& e) {
            failure = e.what();
        }
    });
    if (error != 0) {
        forwarding.problem = setns_problem(error);
    } else if (!failure.empty()) {
        forwarding.problem = failure;
    } else if (behind.empty()) {
        forwarding.problem = fmt::format("nothing listens on port {} in {}", port, where);
    } else {
        find_holders_behind(behind, forwarding, user_names, container_names);
    }
}

}  // namespace port_owner::linux_os
