// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/pasta_follower.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/proxy_command_line.hpp"
#include "core/whole_number.hpp"
#include "linux/packaged_executable.hpp"
#include "linux/privilege.hpp"
#include "linux/proxy_holders.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::string_view net_prefix = "net:[";

// The inode of the network namespace an fd of pasta's refers to, or nullopt. The kernel names a
// namespace opened through /proc (pasta's command mode) `net:[INODE]`. One opened through a bind
// mount of it (--netns PATH: rootless Podman's /run/user/UID/netns/netns-...) it names by that
// mount's path, as seen in pasta's mount namespace: a name that says nothing of what the file is.
// So such an fd is opened and the file itself asked: nsfs (the device of the plugin's own
// namespace files), of the network type.
std::optional<std::uint64_t> network_namespace_inode(int fd_directory, const char* fd_name,
                                                     std::string_view link, dev_t nsfs_device) {
    if (link.starts_with(net_prefix) && link.ends_with(']')) {
        return parse_whole_number<std::uint64_t>(
            link.substr(net_prefix.size(), link.size() - net_prefix.size() - 1));
    }
    if (!link.starts_with('/')) {
        return std::nullopt;  // a socket, pipe or anonymous inode
    }
    struct stat file {};
    if (::fstatat(fd_directory, fd_name, &file, 0) != 0 || file.st_dev != nsfs_device) {
        return std::nullopt;
    }
    const UniqueFd opened(::openat(fd_directory, fd_name, O_RDONLY | O_CLOEXEC));
    if (!opened.valid() || ::ioctl(opened.get(), NS_GET_NSTYPE) != CLONE_NEWNET ||
        ::fstat(opened.get(), &file) != 0) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(file.st_ino);
}

// The network namespaces among a process's open fds: fd number -> namespace inode.
std::vector<std::pair<int, std::uint64_t>> namespace_fds(int pid) {
    std::vector<std::pair<int, std::uint64_t>> found;
    struct stat own_namespace {};
    if (::stat("/proc/self/ns/net", &own_namespace) != 0) {
        return found;
    }
    raise_scan_capabilities();
    const UniqueFd directory(
        ::open(fmt::format("/proc/{}/fd", pid).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    DIR* listing = directory.valid() ? ::fdopendir(::dup(directory.get())) : nullptr;
    if (listing != nullptr) {
        while (const dirent* entry = ::readdir(listing)) {
            char target[PATH_MAX];
            const auto length =
                ::readlinkat(directory.get(), entry->d_name, target, sizeof(target) - 1);
            if (length <= 0) {
                continue;
            }
            const std::string_view link(target, static_cast<std::size_t>(length));
            const auto inode =
                network_namespace_inode(directory.get(), entry->d_name, link, own_namespace.st_dev);
            const auto fd = parse_whole_number<int>(entry->d_name);
            if (inode && fd) {
                found.emplace_back(*fd, *inode);
            }
        }
        ::closedir(listing);
    }
    lower_scan_capabilities();
    return found;
}

// The namespace pasta forwards into, opened through its own fd; or the reason there is none.
UniqueFd open_pasta_namespace(int pid, std::string& problem) {
    const auto fds = namespace_fds(pid);
    std::set<std::uint64_t> inodes;
    for (const auto& [fd, inode] : fds) {
        inodes.insert(inode);
    }
    if (inodes.empty()) {
        problem =
            "it holds no network namespace (passt forwarding to a virtual machine, or its "
            "fds cannot be read)";
        return {};
    }
    if (inodes.size() > 1) {
        problem = "it holds more than one network namespace";
        return {};
    }
    raise_scan_capabilities();
    UniqueFd opened(::open(fmt::format("/proc/{}/fd/{}", pid, fds.front().first).c_str(),
                           O_RDONLY | O_CLOEXEC));
    lower_scan_capabilities();
    struct stat file {};
    if (!opened.valid() || ::fstat(opened.get(), &file) != 0 || file.st_ino != fds.front().second) {
        problem = "its network namespace cannot be opened";
        return {};
    }
    return opened;
}

void follow(ProcessIdentity& pasta, const Listener& held, UserNames& user_names,
            ContainerNames& container_names) {
    ProxyForwarding forwarding;
    forwarding.proxy = "pasta";
    const auto port = pasta.command_line_known
                          ? pasta_target_port(pasta.command_line, held.transport, held.port)
                          : std::nullopt;
    if (!port) {
        forwarding.target = "an unknown port";
        forwarding.problem = fmt::format("its command line forwards no {}/{}",
                                         transport_name(held.transport), held.port);
        pasta.proxy = std::move(forwarding);
        return;
    }
    forwarding.target = fmt::format("port {} of its network namespace", *port);
    const auto namespace_fd = open_pasta_namespace(pasta.pid, forwarding.problem);
    if (!namespace_fd.valid()) {
        pasta.proxy = std::move(forwarding);
        return;
    }
    follow_port_in_namespace(namespace_fd.get(), held.transport, *port, "its network namespace",
                             forwarding, user_names, container_names);
    pasta.proxy = std::move(forwarding);
}

}  // namespace

bool is_pasta(const ProcessIdentity& holder) {
    return runs_packaged_executable(holder, {"pasta", "pasta.avx2", "passt", "passt.avx2"});
}

void follow_pastas(std::vector<ObservedListener>& listeners, UserNames& user_names,
                   ContainerNames& container_names) {
    for (auto& listener : listeners) {
        for (auto& holder : listener.holders) {
            if (is_pasta(holder)) {
                follow(holder, listener.socket, user_names, container_names);
            }
        }
    }
}

}  // namespace port_owner::linux_os
