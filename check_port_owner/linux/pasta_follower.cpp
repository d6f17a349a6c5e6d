// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/pasta_follower.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

// The network namespaces among a process's open fds: fd number -> namespace inode.
std::vector<std::pair<int, std::uint64_t>> namespace_fds(int pid) {
    std::vector<std::pair<int, std::uint64_t>> found;
    raise_scan_capabilities();
    const UniqueFd directory(
        ::open(fmt::format("/proc/{}/fd", pid).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    DIR* listing = directory.valid() ? ::fdopendir(::dup(directory.get())) : nullptr;
    if (listing != nullptr) {
        while (const dirent* entry = ::readdir(listing)) {
            char target[64];
            const auto length =
                ::readlinkat(directory.get(), entry->d_name, target, sizeof(target) - 1);
            if (length <= 0) {
                continue;
            }
            const std::string_view link(target, static_cast<std::size_t>(length));
            if (!link.starts_with(net_prefix) || !link.ends_with(']')) {
                continue;
            }
            const auto inode = parse_whole_number<std::uint64_t>(
                link.substr(net_prefix.size(), link.size() - net_prefix.size() - 1));
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
