#include "linux/holder_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <thread>

#include "linux/process_identity_reader.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::string_view socket_prefix = "socket:[";
constexpr std::size_t directory_buffer_bytes = 256 * 1024;
// Below this many processes a second thread costs more than it saves.
constexpr std::size_t processes_per_thread = 256;
constexpr unsigned max_threads = 4;

// getdents64 has no wrapper in Debian 12's glibc (2.36); this is its record layout.
struct LinuxDirent64 {
    std::uint64_t d_ino;
    std::int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[1];
};

// Calls `visit(name)` for each entry of an open directory except "." and ".."; stops when it
// returns false. A large buffer means one system call per directory for nearly every process.
template <typename Visit>
void for_each_entry(int directory_fd, std::vector<char>& buffer, Visit&& visit) {
    while (true) {
        const auto got = ::syscall(SYS_getdents64, directory_fd, buffer.data(), buffer.size());
        if (got <= 0) {
            return;
        }
        for (long offset = 0; offset < got;) {
            const auto* entry = reinterpret_cast<const LinuxDirent64*>(buffer.data() + offset);
            offset += entry->d_reclen;
            const char* name = entry->d_name;
            if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) {
                continue;
            }
            if (!visit(name)) {
                return;
            }
        }
    }
}

bool parse_pid(const char* name, int& pid) {
    const auto* end = name + std::strlen(name);
    const auto [ptr, ec] = std::from_chars(name, end, pid);
    return ec == std::errc{} && ptr == end && pid > 0;
}

// The inode a link in /proc/PID/fd points at, or 0 (with `error` set when readlinkat failed).
std::uint64_t socket_inode_at(int directory_fd, const char* name, int& error) {
    char link[64];
    const auto length = ::readlinkat(directory_fd, name, link, sizeof(link));
    if (length < 0) {
        error = errno;
        return 0;
    }
    error = 0;
    return socket_inode_from_link(std::string_view(link, static_cast<std::size_t>(length)));
}

struct ProcessToVisit {
    int pid = 0;
    std::optional<std::uint32_t> euid;  // owner of /proc/PID; unknown in --all-holders mode
    bool owner_of_wanted_socket = false;
    std::uint64_t open_fds = 0;
};

// Every process, most likely holders first. stat(/proc/PID) gives the euid as the owner;
// stat(/proc/PID/fd) gives the number of open fds in st_size since Linux 6.2 (0 before, which
// leaves the order of that group as listed).
std::vector<ProcessToVisit> processes_in_visit_order(int proc_fd, std::vector<char>& buffer,
                                                     const HolderScanRequest& request) {
    std::set<std::uint32_t> socket_uids;
    for (const auto& socket : request.sockets) {
        socket_uids.insert(socket.owner_uid);
    }
    std::vector<ProcessToVisit> processes;
    const int self = static_cast<int>(::getpid());
    char path[32];
    for_each_entry(proc_fd, buffer, [&](const char* name) {
        ProcessToVisit process;
        if (!parse_pid(name, process.pid) || process.pid == self) {
            return true;
        }
        if (!request.all_holders) {
            struct stat status {};
            if (::fstatat(proc_fd, name, &status, 0) == 0) {
                process.euid = status.st_uid;
                process.owner_of_wanted_socket = socket_uids.contains(status.st_uid);
            }
            std::snprintf(path, sizeof(path), "%d/fd", process.pid);
            if (::fstatat(proc_fd, path, &status, 0) == 0) {
                process.open_fds = static_cast<std::uint64_t>(status.st_size);
            }
        }
        processes.push_back(process);
        return true;
    });
    if (!request.all_holders) {
        // Cheapest likely holder first: visiting a process costs one call per open fd, and a
        // process of a socket's user is likelier to hold it. Not an absolute preference for those
        // users, though: a daemon that binds as root and then drops to its own user would come
        // after every busy root process. Without fd counts (kernels before 6.2) the user decides.
        constexpr std::uint64_t other_user_weight = 4;
        const auto cost = [](const ProcessToVisit& process) {
            return process.open_fds * (process.owner_of_wanted_socket ? 1 : other_user_weight);
        };
        std::stable_sort(processes.begin(), processes.end(), [&](const auto& a, const auto& b) {
            if (cost(a) != cost(b)) {
                return cost(a) < cost(b);
            }
            return a.owner_of_wanted_socket && !b.owner_of_wanted_socket;
        });
    }
    return processes;
}

// State shared by the scanning threads.
class SharedScan {
  public:
    SharedScan(const std::vector<WantedSocket>& sockets, bool all_holders)
        : all_holders_(all_holders) {
        for (const auto& socket : sockets) {
            if (socket.inode != 0) {
                wanted_.push_back(socket);
            }
        }
        std::sort(wanted_.begin(), wanted_.end(),
                  [](const auto& a, const auto& b) { return a.inode < b.inode; });
        wanted_.erase(std::unique(wanted_.begin(), wanted_.end(),
                                  [](const auto& a, const auto& b) { return a.inode == b.inode; }),
                      wanted_.end());
        has_holder_ = std::vector<std::atomic<bool>>(wanted_.size());
        without_holder_ = wanted_.size();
        for (const auto& socket : wanted_) {
            ++pending_by_user_.try_emplace(socket.owner_uid, 0).first->second;
        }
    }

    bool nothing_wanted() const { return wanted_.empty(); }

    // Index of `inode` among the wanted ones, or nullopt.
    std::optional<std::size_t> index_of(std::uint64_t inode) const {
        const auto found = std::lower_bound(
            wanted_.begin(), wanted_.end(), inode,
            [](const WantedSocket& socket, std::uint64_t value) { return socket.inode < value; });
        if (found == wanted_.end() || found->inode != inode) {
            return std::nullopt;
        }
        return static_cast<std::size_t>(found - wanted_.begin());
    }

    void mark_found(std::size_t index) {
        if (!has_holder_[index].exchange(true)) {
            without_holder_.fetch_sub(1);
            pending_by_user_.find(wanted_[index].owner_uid)->second.fetch_sub(1);
        }
    }

    // In the default mode the scan is over once every inode has a holder.
    bool done() const { return !all_holders_ && without_holder_.load() == 0; }

    // A process of a user who owns wanted sockets, all of which already have a holder, can wait:
    // the sockets still without one belong to other users. Processes of users who own no wanted
    // socket never wait (a daemon that dropped privilege after bind is one of them).
    bool can_wait(const ProcessToVisit& process) const {
        if (all_holders_ || !process.euid) {
            return false;
        }
        const auto found = pending_by_user_.find(*process.euid);
        return found != pending_by_user_.end() && found->second.load() == 0;
    }

    void record(std::uint64_t inode, const ProcessIdentity& identity) {
        std::lock_guard lock(mutex_);
        auto& holders = result_.holders[inode];
        if (holders.empty() || holders.back().pid != identity.pid) {
            holders.push_back(identity);
        }
    }

    void count(bool scanned, bool unreadable) {
        std::lock_guard lock(mutex_);
        result_.scanned_processes += scanned ? 1 : 0;
        result_.unreadable_processes += unreadable ? 1 : 0;
    }

    HolderScanResult take_result() { return std::move(result_); }

  private:
    std::vector<WantedSocket> wanted_;
    std::vector<std::atomic<bool>> has_holder_;
    const bool all_holders_;
    std::atomic<std::size_t> without_holder_{0};
    std::map<std::uint32_t, std::atomic<std::size_t>> pending_by_user_;
    std::mutex mutex_;
    HolderScanResult result_;
};

// Looks through one process's fds; identifies it (once) when it holds a wanted socket.
void scan_process(int proc_fd, int pid, std::vector<char>& buffer, SharedScan& shared) {
    char path[48];
    std::snprintf(path, sizeof(path), "%d/fd", pid);
    UniqueFd fd_directory(::openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd_directory.valid()) {
        // ENOENT/ESRCH: the process exited and holds nothing any more.
        shared.count(false, errno == EACCES || errno == EPERM);
        return;
    }
    bool denied = false;
    bool identity_read = false;
    std::optional<ProcessIdentity> identity;
    for_each_entry(fd_directory.get(), buffer, [&](const char* name) {
        int error = 0;
        const auto inode = socket_inode_at(fd_directory.get(), name, error);
        if (error == EACCES || error == EPERM) {
            denied = true;
            return false;
        }
        const auto index = inode == 0 ? std::nullopt : shared.index_of(inode);
        if (!index) {
            return true;
        }
        if (!identity_read) {
            identity_read = true;
            // Bind to this process through its directory, then check it still holds the socket
            // at this fd: had the pid been reused in between, the newcomer would not.
            std::snprintf(path, sizeof(path), "%d", pid);
            UniqueFd pid_directory(::openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            std::snprintf(path, sizeof(path), "fd/%s", name);
            int recheck_error = 0;
            if (pid_directory.valid() &&
                socket_inode_at(pid_directory.get(), path, recheck_error) == inode) {
                identity = read_process_identity(pid, pid_directory.get());
            }
        }
        if (!identity) {
            return false;  // the process is gone: nothing it held counts
        }
        shared.record(inode, *identity);
        shared.mark_found(*index);
        return !shared.done();
    });
    shared.count(true, denied);
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

HolderScanResult scan_holders(const HolderScanRequest& request) {
    SharedScan shared(request.sockets, request.all_holders);
    if (shared.nothing_wanted()) {
        return {};
    }
    UniqueFd proc(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!proc.valid()) {
        HolderScanResult failed;
        failed.unreadable_processes = 1;
        return failed;
    }
    std::vector<char> first_buffer(directory_buffer_bytes);
    const auto processes = processes_in_visit_order(proc.get(), first_buffer, request);

    const auto hardware = std::max(1u, std::thread::hardware_concurrency());
    const auto threads = static_cast<unsigned>(
        std::min<std::size_t>({hardware, max_threads,
                               std::max<std::size_t>(1, processes.size() / processes_per_thread)}));
    std::vector<std::vector<char>> buffers(threads > 1 ? threads - 1 : 0);
    for (auto& buffer : buffers) {
        buffer.resize(directory_buffer_bytes);
    }
    // Visits `order` (indices into processes) on every thread; processes that can wait are set
    // aside in `waiting` when allowed.
    std::mutex waiting_mutex;
    std::vector<std::size_t> waiting;
    const auto visit_all = [&](const std::vector<std::size_t>& order, bool allow_waiting) {
        std::atomic<std::size_t> next{0};
        const auto work = [&](std::vector<char>& buffer) {
            while (!shared.done()) {
                const auto i = next.fetch_add(1);
                if (i >= order.size()) {
                    return;
                }
                const auto& process = processes[order[i]];
                if (allow_waiting && shared.can_wait(process)) {
                    std::lock_guard lock(waiting_mutex);
                    waiting.push_back(order[i]);
                    continue;
                }
                scan_process(proc.get(), process.pid, buffer, shared);
            }
        };
        std::vector<std::thread> helpers;
        for (auto& buffer : buffers) {
            helpers.emplace_back([&work, &buffer] { work(buffer); });
        }
        work(first_buffer);
        for (auto& helper : helpers) {
            helper.join();
        }
    };
    std::vector<std::size_t> order(processes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    visit_all(order, true);
    if (!shared.done() && !waiting.empty()) {
        // The last pass: whoever was set aside, still cheapest first.
        std::sort(waiting.begin(), waiting.end());
        visit_all(waiting, false);
    }
    return shared.take_result();
}

}  // namespace port_owner::linux_os
