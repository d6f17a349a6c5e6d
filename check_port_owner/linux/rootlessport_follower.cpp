// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/rootlessport_follower.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/whole_number.hpp"
#include "linux/packaged_executable.hpp"
#include "linux/podman_state.hpp"
#include "linux/privilege.hpp"
#include "linux/proxy_holders.hpp"

namespace port_owner::linux_os {
namespace {

// One user's containers as their Podman state lists them, read once per check; or why not.
struct UserContainers {
    std::vector<PodmanContainer> containers;
    std::size_t unreadable = 0;
    std::string problem;
};

// What the descriptors of `pid` lead to (readlink of /proc/PID/fd/N): among them the network
// namespace file of the container it serves.
std::set<std::string> open_files_of(int pid) {
    std::set<std::string> targets;
    const auto directory_path = fmt::format("/proc/{}/fd", pid);
    raise_scan_capabilities();
    if (DIR* directory = ::opendir(directory_path.c_str())) {
        while (const dirent* entry = ::readdir(directory)) {
            if (!parse_whole_number<int>(entry->d_name)) {
                continue;
            }
            char target[PATH_MAX];
            const auto path = fmt::format("{}/{}", directory_path, entry->d_name);
            const auto length = ::readlink(path.c_str(), target, sizeof(target));
            if (length > 0 && static_cast<std::size_t>(length) < sizeof(target)) {
                targets.emplace(target, static_cast<std::size_t>(length));
            }
        }
        ::closedir(directory);
    }
    lower_scan_capabilities();
    return targets;
}

std::string listener_text(const Listener& held) {
    return fmt::format("{}/{} on {}", transport_name(held.transport), held.port,
                       held.address.to_string());
}

class RootlessportFollower {
  public:
    RootlessportFollower(UserNames& user_names, ContainerNames& container_names)
        : user_names_(user_names), container_names_(container_names) {}

    void follow(ProcessIdentity& rootlessport, const Listener& held) {
        ProxyForwarding forwarding;
        forwarding.proxy = "rootlessport";
        forwarding.target = "a port of the container's network namespace";
        follow_into(rootlessport, held, forwarding);
        rootlessport.proxy = std::move(forwarding);
    }

  private:
    const UserContainers& containers_of(std::uint32_t uid) {
        auto found = users_.find(uid);
        if (found == users_.end()) {
            UserContainers read;
            if (auto containers = read_podman_containers(uid, read.unreadable, read.problem)) {
                read.containers = std::move(*containers);
            }
            found = users_.emplace(uid, std::move(read)).first;
        }
        return found->second;
    }

    void follow_into(const ProcessIdentity& rootlessport, const Listener& held,
                     ProxyForwarding& forwarding) {
        const auto& state = containers_of(rootlessport.uid);
        if (!state.problem.empty()) {
            forwarding.problem = state.problem;
            return;
        }
        // The container whose network namespace file rootlessport holds open (Podman gives it
        // the path, and it keeps the file open to enter the namespace).
        const auto open_files = open_files_of(rootlessport.pid);
        std::vector<const PodmanContainer*> served;
        for (const auto& container : state.containers) {
            if (!container.network_namespace.empty() &&
                open_files.contains(container.network_namespace)) {
                served.push_back(&container);
            }
        }
        if (served.empty()) {
            forwarding.problem = fmt::format(
                "Podman's state lists no container whose network namespace it holds open{}",
                state.unreadable ? fmt::format(" ({} container configs there could not be read)",
                                               state.unreadable)
                                 : std::string());
            return;
        }
        std::vector<std::string> names;
        std::vector<std::uint16_t> ports;
        for (const auto* container : served) {
            names.push_back(
                fmt::format("{} ({})", container->config.name, container->config.id.substr(0, 12)));
            for (const auto port : podman_container_ports(container->config.port_mappings, held)) {
                if (std::find(ports.begin(), ports.end(), port) == ports.end()) {
                    ports.push_back(port);
                }
            }
        }
        const auto containers_text =
            fmt::format("container{} {}", names.size() == 1 ? "" : "s", fmt::join(names, ", "));
        if (ports.size() != 1) {
            forwarding.problem =
                ports.empty()
                    ? fmt::format("Podman's state maps {} to no port of {}", listener_text(held),
                                  containers_text)
                    : fmt::format("Podman's state maps {} to several ports ({}) of {}",
                                  listener_text(held), fmt::join(ports, ", "), containers_text);
            return;
        }
        // The holders found there name their container; a pod's containers share the namespace.
        forwarding.target = served.size() == 1
                                ? fmt::format("container port {}", ports.front())
                                : fmt::format("container port {} (in the network namespace of {})",
                                              ports.front(), containers_text);
        const auto namespace_fd =
            open_child_network_namespace(rootlessport.pid, "rootlessport", forwarding.problem);
        if (!namespace_fd.valid()) {
            return;
        }
        follow_port_in_namespace(namespace_fd.get(), held.transport, ports.front(),
                                 fmt::format("the network namespace of {}", containers_text),
                                 forwarding, user_names_, container_names_);
        if (served.size() != 1) {
            return;  // a pod: which of its containers runs a holder is not in Podman's state
        }
        // Processes in a cgroup of their own already carry the container it names; the others
        // (Podman run with --cgroups=disabled) are the container's by its network namespace.
        for (auto& holder : forwarding.holders) {
            if (!holder.container) {
                ContainerIdentity container;
                container.engine = "podman";
                container.id = served.front()->config.id;
                container.name = served.front()->config.name;
                container.made_by_root = false;  // the user's own Podman made it
                container.made_by = rootlessport.uid;
                holder.container = std::move(container);
            }
        }
    }

    UserNames& user_names_;
    ContainerNames& container_names_;
    std::map<std::uint32_t, UserContainers> users_;
};

}  // namespace

bool is_rootlessport(const ProcessIdentity& holder) {
    return runs_packaged_executable(holder, {"rootlessport"});
}

void follow_rootlessports(std::vector<ObservedListener>& listeners, UserNames& user_names,
                          ContainerNames& container_names) {
    RootlessportFollower follower(user_names, container_names);
    for (auto& listener : listeners) {
        for (auto& holder : listener.holders) {
            if (is_rootlessport(holder)) {
                follower.follow(holder, listener.socket);
            }
        }
    }
}

}  // namespace port_owner::linux_os
