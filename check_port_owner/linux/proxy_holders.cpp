// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/proxy_holders.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "core/whole_number.hpp"
#include "linux/holder_scan.hpp"
#include "linux/listener_source.hpp"
#include "linux/network_namespace_thread.hpp"
#include "linux/privilege.hpp"
#include "linux/sock_diag_source.hpp"

namespace port_owner::linux_os {
namespace {

std::optional<struct stat> stat_of(const std::string& path) {
    struct stat file {};
    if (::stat(path.c_str(), &file) != 0) {
        return std::nullopt;
    }
    return file;
}

// The children of `pid` (every thread's: Go starts processes from any thread).
std::vector<int> children_of(int pid) {
    std::vector<int> children;
    const std::string tasks_path = fmt::format("/proc/{}/task", pid);
    DIR* tasks = ::opendir(tasks_path.c_str());
    if (tasks == nullptr) {
        return children;
    }
    while (const dirent* task = ::readdir(tasks)) {
        if (!parse_whole_number<int>(task->d_name)) {
            continue;
        }
        std::ifstream list(fmt::format("{}/{}/children", tasks_path, task->d_name));
        int child = 0;
        while (list >> child) {
            children.push_back(child);
        }
    }
    ::closedir(tasks);
    std::sort(children.begin(), children.end());
    children.erase(std::unique(children.begin(), children.end()), children.end());
    return children;
}

}  // namespace

UniqueFd open_child_network_namespace(int pid, std::string_view program, std::string& problem) {
    raise_scan_capabilities();
    const auto own = stat_of(fmt::format("/proc/{}/exe", pid));
    std::vector<int> found;
    for (const int child : children_of(pid)) {
        const auto theirs = stat_of(fmt::format("/proc/{}/exe", child));
        if (own && theirs && own->st_dev == theirs->st_dev && own->st_ino == theirs->st_ino) {
            found.push_back(child);
        }
    }
    UniqueFd opened;
    std::optional<struct stat> plugin_namespace;
    if (found.size() == 1) {
        opened.reset(
            ::open(fmt::format("/proc/{}/ns/net", found.front()).c_str(), O_RDONLY | O_CLOEXEC));
        // The plugin's own: where it found the listener the proxy holds. Not the proxy's, which
        // names its first thread's only: rootlessport's first thread has entered the
        // container's namespace while the others stay in the host's.
        plugin_namespace = stat_of("/proc/self/ns/net");
    }
    lower_scan_capabilities();
    if (found.empty()) {
        problem =
            fmt::format("it has no child running {} (or its children cannot be read)", program);
        return {};
    }
    if (found.size() > 1) {
        problem = fmt::format("more than one of its children runs {}", program);
        return {};
    }
    struct stat child_namespace {};
    if (!opened.valid() || !plugin_namespace || ::fstat(opened.get(), &child_namespace) != 0) {
        problem = "its child's network namespace cannot be opened";
        return {};
    }
    if (child_namespace.st_ino == plugin_namespace->st_ino) {
        problem =
            "its child runs in the host's network namespace (--net=host): it forwards nothing";
        return {};
    }
    return opened;
}

std::string setns_problem(int error) {
    if (error == EPERM) {
        return "entering the container's network namespace needs CAP_SYS_ADMIN (run the check as "
               "root or through sudo)";
    }
    return fmt::format("cannot enter a network namespace: {}", std::strerror(error));
}

void find_holders_behind(const std::vector<Listener>& behind, ProxyForwarding& forwarding,
                         UserNames& user_names, ContainerNames& container_names,
                         const FollowBehind& follow_behind) {
    HolderScanRequest request;
    for (const auto& listener : behind) {
        request.sockets.push_back({listener.inode, listener.socket_uid});
    }
    raise_scan_capabilities();
    auto scan = scan_holders(request);
    lower_scan_capabilities();
    for (auto& [socket_inode, holders] : scan.holders) {
        // A copy: clang 14 does not let a lambda capture a structured binding.
        const auto inode = socket_inode;
        const auto held = std::find_if(behind.begin(), behind.end(),
                                       [&](const Listener& one) { return one.inode == inode; });
        for (auto& holder : holders) {
            holder.user = user_names.name(holder.uid);
            if (holder.container) {
                container_names.name(*holder.container);
            }
            if (follow_behind && held != behind.end()) {
                follow_behind(holder, *held);
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
                              UserNames& user_names, ContainerNames& container_names,
                              const FollowBehind& follow_behind) {
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
        find_holders_behind(behind, forwarding, user_names, container_names, follow_behind);
    }
}

}  // namespace port_owner::linux_os
