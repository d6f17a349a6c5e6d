// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/docker_proxy_follower.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/nsfs.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "core/proxy_command_line.hpp"
#include "linux/listener_source.hpp"
#include "linux/network_namespace_thread.hpp"
#include "linux/packaged_executable.hpp"
#include "linux/privilege.hpp"
#include "linux/proxy_holders.hpp"
#include "linux/sock_diag_source.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::string_view docker_proxy_name = "docker-proxy";

// The network namespaces of the host's processes, one process for each (the first pid seen).
std::map<ino_t, int> network_namespaces() {
    std::map<ino_t, int> namespaces;
    struct stat own {};
    if (::stat("/proc/self/ns/net", &own) != 0) {
        return namespaces;
    }
    const UniqueFd proc(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    DIR* directory = proc.valid() ? ::fdopendir(::dup(proc.get())) : nullptr;
    if (directory == nullptr) {
        return namespaces;
    }
    while (const dirent* entry = ::readdir(directory)) {
        const std::string_view name = entry->d_name;
        if (name.empty() || name.find_first_not_of("0123456789") != std::string_view::npos) {
            continue;
        }
        const auto path = fmt::format("{}/ns/net", name);
        struct stat theirs {};
        if (::fstatat(proc.get(), path.c_str(), &theirs, 0) != 0 || theirs.st_ino == own.st_ino) {
            continue;
        }
        namespaces.emplace(theirs.st_ino, std::atoi(entry->d_name));
    }
    ::closedir(directory);
    return namespaces;
}

// Opens /proc/PID/ns/net and checks it is still the namespace `inode` (the pid may be reused).
UniqueFd open_namespace(int pid, ino_t inode) {
    UniqueFd fd(::open(fmt::format("/proc/{}/ns/net", pid).c_str(), O_RDONLY | O_CLOEXEC));
    struct stat opened {};
    if (fd.valid() && (::fstat(fd.get(), &opened) != 0 || opened.st_ino != inode)) {
        fd.reset();
    }
    return fd;
}

// The addresses on the interfaces of the calling thread's network namespace.
std::vector<IpAddress> interface_addresses() {
    std::vector<IpAddress> addresses;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
        return addresses;
    }
    for (const auto* entry = list; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr) {
            continue;
        }
        if (entry->ifa_addr->sa_family == AF_INET) {
            std::array<std::uint8_t, 4> bytes{};
            std::memcpy(bytes.data(),
                        &reinterpret_cast<const sockaddr_in*>(entry->ifa_addr)->sin_addr, 4);
            addresses.push_back(IpAddress::ipv4(bytes));
        } else if (entry->ifa_addr->sa_family == AF_INET6) {
            std::array<std::uint8_t, 16> bytes{};
            std::memcpy(bytes.data(),
                        &reinterpret_cast<const sockaddr_in6*>(entry->ifa_addr)->sin6_addr, 16);
            addresses.push_back(IpAddress::ipv6(bytes));
        }
    }
    ::freeifaddrs(list);
    return addresses;
}

// The user namespace that owns the network namespace open at `fd` (its inode), 0 when unknown.
ino_t owning_user_namespace(int fd) {
    const UniqueFd owner(::ioctl(fd, NS_GET_USERNS));
    struct stat facts {};
    return owner.valid() && ::fstat(owner.get(), &facts) == 0 ? facts.st_ino : 0;
}

// The inode of /proc/PID/ns/user (the plugin's own for "self"), 0 when it cannot be read.
ino_t user_namespace_of(const std::string& pid) {
    struct stat facts {};
    return ::stat(fmt::format("/proc/{}/ns/user", pid).c_str(), &facts) == 0 ? facts.st_ino : 0;
}

// Which network namespaces have which addresses. Every namespace is entered once per check, the
// first time a docker-proxy is followed, however many proxies there are. With `owner`, only the
// namespaces that user namespace owns: those a rootless Docker's user made.
class AddressIndex {
  public:
    AddressIndex() = default;
    explicit AddressIndex(ino_t owner) : owner_(owner) {}

    struct Owner {
        ino_t inode = 0;
        int pid = 0;
    };

    const std::vector<Owner>& owners(const IpAddress& address) {
        build();
        static const std::vector<Owner> none;
        const auto found = owners_.find(address);
        return found == owners_.end() ? none : found->second;
    }
    // The errno of the first namespace that could not be entered, 0 when none.
    int first_error() const { return first_error_; }

  private:
    void build() {
        if (built_) {
            return;
        }
        built_ = true;
        for (const auto& [inode, pid] : network_namespaces()) {
            const auto fd = open_namespace(pid, inode);
            if (!fd.valid() || (owner_ != 0 && owning_user_namespace(fd.get()) != owner_)) {
                continue;
            }
            std::vector<IpAddress> addresses;
            const int error =
                run_in_network_namespace(fd.get(), [&] { addresses = interface_addresses(); });
            if (error != 0) {
                first_error_ = first_error_ == 0 ? error : first_error_;
                continue;
            }
            for (const auto& address : addresses) {
                owners_[address].push_back({inode, pid});
            }
        }
    }

    ino_t owner_ = 0;
    bool built_ = false;
    int first_error_ = 0;
    std::map<IpAddress, std::vector<Owner>> owners_;
};

// What the search for the namespace behind a proxy found.
struct Behind {
    std::vector<Listener> listeners;  // the listeners there that take the forwarded connections
    std::string problem;
};

// The namespace whose interfaces have the proxy's container address, and its listeners on the
// container port. The address must be in exactly one namespace: two containers on separate
// bridges may share an address, and then which one the proxy reaches is the host's routing,
// which this does not second-guess.
Behind find_listeners_behind(const DockerProxyTarget& target, AddressIndex& index) {
    const auto& address = target.container_address;
    const auto& owners = index.owners(address);
    if (owners.size() > 1) {
        return {{},
                fmt::format("{} is an address in {} network namespaces", address.to_string(),
                            owners.size())};
    }
    if (owners.empty()) {
        return {{},
                index.first_error() != 0
                    ? setns_problem(index.first_error())
                    : fmt::format("no network namespace has the address {}", address.to_string())};
    }
    const auto fd = open_namespace(owners.front().pid, owners.front().inode);
    if (!fd.valid()) {
        return {{}, "the container's network namespace is gone"};
    }
    Behind behind;
    bool still_there = false;
    std::vector<Listener> found;
    const int error = run_in_network_namespace(fd.get(), [&] {
        // The address may have moved since the index was made: asked again, in the same visit.
        const auto addresses = interface_addresses();
        still_there = std::find(addresses.begin(), addresses.end(), address) != addresses.end();
        try {
            SockDiagSource source;
            found = source.list(target.transport, address.family(),
                                {{target.container_port, target.container_port}});
        } catch (const ListenerSourceError& e) {
            behind.problem = e.what();
        }
    });
    if (error != 0) {
        return {{}, setns_problem(error)};
    }
    if (!still_there) {
        return {{},
                fmt::format("the address {} left the container's network namespace",
                            address.to_string())};
    }
    for (const auto& listener : found) {
        if (listener.address == address ||
            (listener.address.is_wildcard() && listener.serves(address.family()))) {
            behind.listeners.push_back(listener);
        }
    }
    if (behind.problem.empty() && behind.listeners.empty()) {
        behind.problem = fmt::format("nothing listens on {} in the container's network namespace",
                                     target.container_text());
    }
    return behind;
}

// Why the proxy's command line does not describe the listener it holds, or "".
std::string mismatch(const DockerProxyTarget& target, const Listener& held) {
    // Go listens on a wildcard address with a dual-stack IPv6 socket: -host-ip 0.0.0.0 holds [::].
    const bool same_address = !target.host_address || *target.host_address == held.address ||
                              (target.host_address->is_wildcard() && held.address.is_wildcard());
    if (target.transport == held.transport && target.host_port == held.port && same_address) {
        return {};
    }
    return fmt::format("its command line names {}/{}:{}, not the listener it holds",
                       transport_name(target.transport),
                       target.host_address ? target.host_address->to_host_string() : "*",
                       target.host_port);
}

void follow(ProcessIdentity& proxy, const Listener& held, AddressIndex& index,
            UserNames& user_names, ContainerNames& container_names) {
    ProxyForwarding forwarding;
    forwarding.proxy = std::string(docker_proxy_name);
    const auto target = parse_docker_proxy_command_line(proxy.command_line);
    if (!proxy.command_line_known || !target) {
        forwarding.target = "an unknown address";
        forwarding.problem = "its command line is not docker-proxy's";
        proxy.proxy = std::move(forwarding);
        return;
    }
    forwarding.target = target->container_text();
    forwarding.problem = mismatch(*target, held);
    if (forwarding.problem.empty()) {
        auto behind = find_listeners_behind(*target, index);
        forwarding.problem = std::move(behind.problem);
        if (forwarding.problem.empty()) {
            find_holders_behind(behind.listeners, forwarding, user_names, container_names);
        }
    }
    proxy.proxy = std::move(forwarding);
}

}  // namespace

bool is_rootless_docker_proxy(const ProcessIdentity& holder) {
    if (holder.uid == 0 || !runs_packaged_executable(holder, {docker_proxy_name})) {
        return false;
    }
    raise_scan_capabilities();
    const auto theirs = user_namespace_of(std::to_string(holder.pid));
    lower_scan_capabilities();
    return theirs != 0 && theirs != user_namespace_of("self");
}

void follow_rootless_docker_proxy(ProcessIdentity& proxy, const Listener& held,
                                  UserNames& user_names, ContainerNames& container_names) {
    raise_scan_capabilities();
    const auto owner = user_namespace_of(std::to_string(proxy.pid));
    lower_scan_capabilities();
    if (owner == 0) {
        ProxyForwarding forwarding;
        forwarding.proxy = std::string(docker_proxy_name);
        forwarding.target = "an unknown address";
        forwarding.problem = "its user namespace cannot be read";
        proxy.proxy = std::move(forwarding);
        return;
    }
    AddressIndex index(owner);
    follow(proxy, held, index, user_names, container_names);
}

bool is_docker_proxy(const ProcessIdentity& holder) {
    // dockerd runs as root and starts the proxy so: a docker-proxy of another user was started
    // by that user, with whatever command line it liked.
    return holder.uid == 0 && runs_packaged_executable(holder, {docker_proxy_name});
}

void follow_docker_proxies(std::vector<ObservedListener>& listeners, UserNames& user_names,
                           ContainerNames& container_names) {
    AddressIndex index;
    for (auto& listener : listeners) {
        for (auto& holder : listener.holders) {
            if (is_docker_proxy(holder)) {
                follow(holder, listener.socket, index, user_names, container_names);
            }
        }
    }
}

}  // namespace port_owner::linux_os
