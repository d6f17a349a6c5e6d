#include "linux/holder_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <optional>

#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::string_view socket_prefix = "socket:[";

// getdents64 has no glibc wrapper in Debian 12's glibc (2.36); this is its record layout.
struct LinuxDirent64 {
    std::uint64_t d_ino;
    std::int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[1];
};

// Calls `visit(name)` for each entry of an open directory except "." and "..". A large buffer
// means one system call per directory for nearly every process.
template <typename Visit>
int for_each_entry(int directory_fd, std::vector<char>& buffer, Visit&& visit) {
    while (true) {
        const auto got = ::syscall(SYS_getdents64, directory_fd, buffer.data(), buffer.size());
        if (got < 0) {
            return errno;
        }
        if (got == 0) {
            return 0;
        }
        for (long offset = 0; offset < got;) {
            const auto* entry = reinterpret_cast<const LinuxDirent64*>(buffer.data() + offset);
            offset += entry->d_reclen;
            const char* name = entry->d_name;
            if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) {
                continue;
            }
            if (!visit(name)) {
                return 0;
            }
        }
    }
}

bool parse_pid(const char* name, int& pid) {
    const auto* end = name + std::strlen(name);
    const auto [ptr, ec] = std::from_chars(name, end, pid);
    return ec == std::errc{} && ptr == end && pid > 0;
}

std::vector<int> list_pids(int proc_fd, std::vector<char>& buffer) {
    std::vector<int> pids;
    for_each_entry(proc_fd, buffer, [&](const char* name) {
        int pid = 0;
        if (parse_pid(name, pid)) {
            pids.push_back(pid);
        }
        return true;
    });
    return pids;
}

// The inode a link in /proc/PID/fd points at, or 0. `link` is a caller-owned buffer: no
// allocation per fd.
std::uint64_t socket_inode_at(int fd_directory_fd, const char* name, int& error) {
    char link[64];
    const auto length = ::readlinkat(fd_directory_fd, name, link, sizeof(link));
    if (length < 0) {
        error = errno;
        return 0;
    }
    error = 0;
    return socket_inode_from_link(std::string_view(link, static_cast<std::size_t>(length)));
}

}  // namespace

std::uint64_t socket_inode_from_link(std::string_view link) {
    if (!link.starts_with(socket_prefix) || !link.ends_with(']')) {
        return 0;
    }
    const auto digits = link.substr(socket_prefix.size(), link.size() - socket_prefix.size() - 1);
    std::uint64_t inode = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), inode);
    return ec == std::errc{} && ptr == digits.data() + digits.size() ? inode : 0;
}

HolderScanResult HolderScan::run(const std::vector<std::uint64_t>& inodes, bool all_holders) {
    HolderScanResult result;
    std::vector<std::uint64_t> wanted = inodes;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::erase(wanted, 0u);
    if (wanted.empty()) {
        return result;
    }
    std::vector<bool> has_holder(wanted.size(), false);
    std::size_t without_holder = wanted.size();

    UniqueFd proc(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!proc.valid()) {
        result.unreadable_processes = 1;
        return result;
    }
    std::vector<char> buffer(256 * 1024);
    const auto pids = list_pids(proc.get(), buffer);
    const int self = static_cast<int>(::getpid());
    char path[32];

    for (const int pid : pids) {
        if (pid == self) {
            continue;
        }
        std::snprintf(path, sizeof(path), "%d/fd", pid);
        UniqueFd fd_directory(::openat(proc.get(), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!fd_directory.valid()) {
            if (errno == EACCES || errno == EPERM) {
                ++result.unreadable_processes;
            }
            continue;  // ENOENT/ESRCH: the process exited, it holds nothing any more
        }
        ++result.scanned_processes;
        bool denied = false;
        std::optional<ProcessIdentity> identity;
        bool identity_read = false;
        for_each_entry(fd_directory.get(), buffer, [&](const char* name) {
            int error = 0;
            const auto inode = socket_inode_at(fd_directory.get(), name, error);
            if (error == EACCES || error == EPERM) {
                denied = true;
                return false;
            }
            if (inode == 0) {
                return true;
            }
            const auto found = std::lower_bound(wanted.begin(), wanted.end(), inode);
            if (found == wanted.end() || *found != inode) {
                return true;
            }
            if (!identity_read) {
                identity_read = true;
                // Bind to this process, then check it still holds the socket at this fd: if the
                // pid had been reused in between, the newcomer would not.
                std::snprintf(path, sizeof(path), "%d", pid);
                UniqueFd pid_directory(
                    ::openat(proc.get(), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
                char fd_path[32];
                std::snprintf(fd_path, sizeof(fd_path), "fd/%s", name);
                int recheck_error = 0;
                if (pid_directory.valid() &&
                    socket_inode_at(pid_directory.get(), fd_path, recheck_error) == inode) {
                    identity = identities_.read(pid, pid_directory.get());
                }
            }
            if (!identity) {
                return false;  // the process is gone: nothing it held counts
            }
            const auto index = static_cast<std::size_t>(found - wanted.begin());
            auto& holders = result.holders[inode];
            if (holders.empty() || holders.back().pid != pid) {
                holders.push_back(*identity);
            }
            if (!has_holder[index]) {
                has_holder[index] = true;
                --without_holder;
            }
            return all_holders || without_holder > 0;
        });
        if (denied) {
            ++result.unreadable_processes;
        }
        if (!all_holders && without_holder == 0) {
            break;
        }
    }
    return result;
}

}  // namespace port_owner::linux_os
