// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/holder_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/kcmp.h>
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

#include "core/whole_number.hpp"
#include "linux/file_reading.hpp"
#include "linux/io_uring_files.hpp"
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
// Returns 0, or the errno of a failed getdents64: a directory read only in part must not pass for
// a whole one.
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
    const auto number = parse_whole_number<int>(name);
    pid = number.value_or(0);
    return pid > 0;
}

// The process (or thread) exited: it holds nothing any more.
bool is_gone(int error) {
    return error == ENOENT || error == ESRCH;
}

// What a link in /proc/PID/fd points at: a socket's inode (0 for anything else), whether it is
// an io_uring instance, or the errno of a failed readlinkat.
struct LinkTarget {
    std::uint64_t inode = 0;
    bool io_uring = false;
    int error = 0;
};

LinkTarget link_target_at(int directory_fd, const char* name) {
    char link[64];
    const auto length = ::readlinkat(directory_fd, name, link, sizeof(link));
    if (length < 0) {
        return {0, false, errno};
    }
    const std::string_view target(link, static_cast<std::size_t>(length));
    return {socket_inode_from_link(target), target == io_uring_link_target, 0};
}

struct ProcessToVisit {
    int pid = 0;
    std::optional<std::uint32_t> euid;  // owner of /proc/PID; only the shortcut reads it
    bool owner_of_wanted_socket = false;
    std::uint64_t open_fds = 0;
};

// Every process; for the first-holder shortcut, most likely holders first. stat(/proc/PID) gives
// the euid as the owner; stat(/proc/PID/fd) gives the number of open fds in st_size since Linux
// 6.2 (0 before, which leaves the order of that group as listed).
std::vector<ProcessToVisit> processes_to_visit(int proc_fd, std::vector<char>& buffer,
                                               const HolderScanRequest& request, int& error) {
    std::set<std::uint32_t> socket_uids;
    for (const auto& socket : request.sockets) {
        socket_uids.insert(socket.owner_uid);
    }
    std::vector<ProcessToVisit> processes;
    const int self = static_cast<int>(::getpid());
    char path[32];
    error = for_each_entry(proc_fd, buffer, [&](const char* name) {
        ProcessToVisit process;
        if (!parse_pid(name, process.pid) || process.pid == self) {
            return true;
        }
        if (request.first_holder_only) {
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
    if (request.first_holder_only) {
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
    SharedScan(const std::vector<WantedSocket>& sockets, bool first_holder_only)
        : first_holder_only_(first_holder_only) {
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
    bool first_holder_only() const { return first_holder_only_; }

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

    // Only the shortcut ends early: once every inode has a holder.
    bool done() const { return first_holder_only_ && without_holder_.load() == 0; }

    // Shortcut only: a process of a user who owns wanted sockets, all of which already have a
    // holder, can wait: the sockets still without one belong to other users. Processes of users
    // who own no wanted socket never wait (a daemon that dropped privilege after bind is one).
    bool can_wait(const ProcessToVisit& process) const {
        if (!first_holder_only_ || !process.euid) {
            return false;
        }
        const auto found = pending_by_user_.find(*process.euid);
        return found != pending_by_user_.end() && found->second.load() == 0;
    }

    void record(std::uint64_t inode, const ProcessIdentity& identity) {
        std::lock_guard lock(mutex_);
        auto& holders = result_.holders[inode];
        const bool known = std::any_of(holders.begin(), holders.end(), [&](const auto& holder) {
            return holder.pid == identity.pid;
        });
        if (!known) {
            holders.push_back(identity);
        }
    }

    // A process (or one of its threads' tables) whose fds could not be read; counted once.
    void note_unexamined(int pid, int error) {
        constexpr std::size_t max_examples = 3;
        std::lock_guard lock(mutex_);
        if (pid != 0 && !unexamined_pids_.insert(pid).second) {
            return;
        }
        auto& unexamined = result_.unexamined;
        if (error == EACCES || error == EPERM) {
            ++unexamined.denied;
        } else {
            ++unexamined.failed;
            if (unexamined.first_failure == 0) {
                unexamined.first_failure = error;
            }
        }
        if (unexamined.example_pids.size() < max_examples &&
            std::find(unexamined.example_pids.begin(), unexamined.example_pids.end(), pid) ==
                unexamined.example_pids.end()) {
            unexamined.example_pids.push_back(pid);
        }
    }

    void count_scanned(bool thread_table) {
        std::lock_guard lock(mutex_);
        ++(thread_table ? result_.scanned_thread_tables : result_.scanned_processes);
    }

    HolderScanResult take_result() { return std::move(result_); }

  private:
    std::vector<WantedSocket> wanted_;
    std::vector<std::atomic<bool>> has_holder_;
    const bool first_holder_only_;
    std::atomic<std::size_t> without_holder_{0};
    std::map<std::uint32_t, std::atomic<std::size_t>> pending_by_user_;
    std::mutex mutex_;
    std::set<int> unexamined_pids_;
    HolderScanResult result_;
};

// Kernel threads have no fd table of their own to hold a socket in, and /proc/PID/stat, which
// says so in its flags, is readable by anyone: they need not count as unexamined.
bool is_kernel_thread(int proc_fd, int pid) {
    constexpr unsigned long pf_kthread = 0x00200000;
    char path[32];
    std::snprintf(path, sizeof(path), "%d/stat", pid);
    std::string text;
    if (read_file_at(proc_fd, path, text, 1024) != 0) {
        return false;
    }
    // The comm in parentheses may hold anything, ')' included: the fields follow the last ')'.
    const auto after_comm = text.rfind(')');
    unsigned long flags = 0;
    // Fields after the comm: state ppid pgrp session tty_nr tpgid flags.
    return after_comm != std::string::npos &&
           std::sscanf(text.c_str() + after_comm + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) ==
               1 &&
           (flags & pf_kthread) != 0;
}

// Looks through one fd table: `owner` is "PID" for a process's own table, "PID/task/TID" for a
// thread's. Identifies the owner (once) when it holds a wanted socket; the identity is read from
// the same directory, so a thread outliving its leader still has its executable and status.
// Returns false when the table could not be read.
bool scan_fd_table(int proc_fd, int pid, const char* owner, std::vector<char>& buffer,
                   SharedScan& shared) {
    char path[64];
    std::snprintf(path, sizeof(path), "%s/fd", owner);
    UniqueFd fd_directory(::openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd_directory.valid()) {
        const int error = errno;
        if (is_gone(error) || is_kernel_thread(proc_fd, pid)) {
            return true;
        }
        shared.note_unexamined(pid, error);
        return false;
    }
    int failure = 0;
    std::optional<ProcessIdentity> identity;
    // Whether the process still holds `inode` through `name`: the fd itself, or the io_uring
    // instance at that fd, read again through the directory bound to the process.
    const auto still_holds = [&](int owner_directory, const char* name, std::uint64_t inode,
                                 bool through_ring) {
        char path[48];
        if (!through_ring) {
            std::snprintf(path, sizeof(path), "fd/%s", name);
            return link_target_at(owner_directory, path).inode == inode;
        }
        std::snprintf(path, sizeof(path), "fdinfo/%s", name);
        RingFiles ring;
        return read_io_uring_files(owner_directory, path, ring) == 0 &&
               std::find(ring.socket_inodes.begin(), ring.socket_inodes.end(), inode) !=
                   ring.socket_inodes.end();
    };
    // Records the process as a holder of `inode` if it is wanted; false to stop the walk.
    const auto take = [&](const char* name, std::uint64_t inode, bool through_ring) {
        const auto index = inode == 0 ? std::nullopt : shared.index_of(inode);
        if (!index) {
            return true;
        }
        if (!identity) {
            // Bind to this process through its directory, then check it still holds the socket:
            // had the pid been reused in between, the newcomer would not. If it just let go of
            // it, its other fds still get their turn.
            UniqueFd owner_directory(::openat(proc_fd, owner, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!owner_directory.valid()) {
                return false;  // the process is gone: nothing it held counts
            }
            if (!still_holds(owner_directory.get(), name, inode, through_ring)) {
                return true;
            }
            identity = read_process_identity(pid, owner_directory.get());
            if (!identity) {
                struct stat alive {};
                if (::fstatat(owner_directory.get(), "stat", &alive, 0) == 0) {
                    failure = EIO;  // it holds the socket, but who it is could not be read
                }
                return false;
            }
        }
        shared.record(inode, *identity);
        shared.mark_found(*index);
        return !shared.done();
    };
    const int listing_error = for_each_entry(fd_directory.get(), buffer, [&](const char* name) {
        const auto target = link_target_at(fd_directory.get(), name);
        if (target.error != 0 && target.error != ENOENT) {  // ENOENT: closed meanwhile
            failure = target.error;
            return false;
        }
        if (!target.io_uring) {
            return take(name, target.inode, false);
        }
        // A ring's registered files hold sockets outside any fd table.
        char fdinfo[64];
        std::snprintf(fdinfo, sizeof(fdinfo), "%s/fdinfo/%s", owner, name);
        RingFiles ring;
        if (const int error = read_io_uring_files(proc_fd, fdinfo, ring);
            error != 0 || !ring.complete) {
            if (error == ENOENT) {
                return true;
            }
            failure = error != 0 ? error : EAGAIN;
            return false;
        }
        for (const auto inode : ring.socket_inodes) {
            if (!take(name, inode, true)) {
                return false;
            }
        }
        return true;
    });
    if (failure == 0 && listing_error != 0 && !is_gone(listing_error)) {
        failure = listing_error;
    }
    if (failure != 0 && !is_gone(failure)) {
        shared.note_unexamined(pid, failure);
        return false;
    }
    return true;
}

// The threads of `pid` whose fd table is not the process's own: unshare(CLONE_FILES) gives a
// thread its own copy, and a leader that exited leaves /proc/PID/fd empty while its threads run.
// kcmp(KCMP_FILES) tells in one call whether two tasks share a table.
void scan_thread_tables(int proc_fd, int pid, std::vector<char>& buffer, SharedScan& shared) {
    char path[64];
    std::snprintf(path, sizeof(path), "%d/task", pid);
    struct stat task_directory {};
    // The directory's link count is 2 + the number of threads: one thread needs no more work.
    if (::fstatat(proc_fd, path, &task_directory, 0) != 0 || task_directory.st_nlink <= 3) {
        return;
    }
    UniqueFd tasks(::openat(proc_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!tasks.valid()) {
        if (!is_gone(errno)) {
            shared.note_unexamined(pid, errno);
        }
        return;
    }
    std::vector<int> thread_ids;
    const int listing_error = for_each_entry(tasks.get(), buffer, [&](const char* name) {
        int tid = 0;
        if (parse_pid(name, tid) && tid != pid) {
            thread_ids.push_back(tid);
        }
        return true;
    });
    if (listing_error != 0 && !is_gone(listing_error)) {
        shared.note_unexamined(pid, listing_error);
    }
    const auto same_table = [](int a, int b) {
        return ::syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0) == 0;
    };
    std::vector<int> scanned{pid};
    for (const int tid : thread_ids) {
        if (shared.done() || std::any_of(scanned.begin(), scanned.end(),
                                         [&](int other) { return same_table(other, tid); })) {
            continue;
        }
        std::snprintf(path, sizeof(path), "%d/task/%d", pid, tid);
        scan_fd_table(proc_fd, pid, path, buffer, shared);
        shared.count_scanned(true);
        scanned.push_back(tid);
    }
}

void scan_process(int proc_fd, int pid, std::vector<char>& buffer, SharedScan& shared) {
    char owner[16];
    std::snprintf(owner, sizeof(owner), "%d", pid);
    const bool examined = scan_fd_table(proc_fd, pid, owner, buffer, shared);
    shared.count_scanned(false);
    // Without access to the process's own table, its threads' are closed to us too.
    if (examined && !shared.first_holder_only()) {
        scan_thread_tables(proc_fd, pid, buffer, shared);
    }
}

}  // namespace

std::uint64_t socket_inode_from_link(std::string_view link) {
    if (!link.starts_with(socket_prefix) || !link.ends_with(']')) {
        return 0;
    }
    const auto digits = link.substr(socket_prefix.size(), link.size() - socket_prefix.size() - 1);
    return parse_whole_number<std::uint64_t>(digits).value_or(0);
}

HolderScanResult scan_holders(const HolderScanRequest& request) {
    SharedScan shared(request.sockets, request.first_holder_only);
    if (shared.nothing_wanted()) {
        return {};
    }
    UniqueFd proc(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!proc.valid()) {
        shared.note_unexamined(0, errno);
        return shared.take_result();
    }
    std::vector<char> first_buffer(directory_buffer_bytes);
    int listing_error = 0;
    const auto processes = processes_to_visit(proc.get(), first_buffer, request, listing_error);
    if (listing_error != 0) {
        // Processes past the failure were never seen: any of them may hold a socket.
        shared.note_unexamined(0, listing_error);
    }

    const auto hardware = std::max(1u, std::thread::hardware_concurrency());
    const auto threads = static_cast<unsigned>(
        std::min<std::size_t>({hardware, max_threads,
                               std::max<std::size_t>(1, processes.size() / processes_per_thread)}));
    std::vector<std::vector<char>> buffers(threads > 1 ? threads - 1 : 0);
    for (auto& buffer : buffers) {
        buffer.resize(directory_buffer_bytes);
    }
    // Visits `order` (indices into processes) on every thread; processes that can wait are set
    // aside in `waiting` when allowed (the shortcut only).
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
