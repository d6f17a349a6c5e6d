// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/process_identity_reader.hpp"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include "core/text_lines.hpp"
#include "linux/cgroup_container.hpp"
#include "linux/cgroup_unit.hpp"
#include "linux/file_reading.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

// Command lines can be huge; the output shows at most about 1 KiB of one.
constexpr std::size_t max_command_line = 8192;
constexpr std::string_view deleted_suffix = " (deleted)";

bool process_gone(int error) {
    return error == ENOENT || error == ESRCH;
}

std::string_view field_value(std::string_view status, std::string_view key) {
    for (const std::string_view line : TextLines(status)) {
        if (line.starts_with(key)) {
            return line.substr(key.size());
        }
    }
    return {};
}

template <typename T>
bool parse_leading_number(std::string_view text, T& value) {
    const auto start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
        return false;
    }
    text.remove_prefix(start);
    return std::from_chars(text.data(), text.data() + text.size(), value).ec == std::errc{};
}

std::string describe_executable_error(int error) {
    switch (error) {
        case ENAMETOOLONG:
            return "its path is longer than PATH_MAX";
        case EACCES:
        case EPERM:
            return "permission denied";
        case ENOENT:
            return "no executable (a kernel thread or an exiting process)";
        default:
            return std::strerror(error);
    }
}

// Whether the file that runs (`running`: the target of /proc/PID/exe, which stays bound to the
// running file whatever its path now names) is the file at `path` in this mount namespace.
ExecutableFileCheck check_executable_file(const struct stat* running, const std::string& path) {
    if (running == nullptr) {
        return ExecutableFileCheck::unknown;
    }
    if (running->st_nlink == 0) {
        return ExecutableFileCheck::different_file;  // deleted (or replaced) since it started
    }
    struct stat at_path {};
    if (::stat(path.c_str(), &at_path) != 0) {
        return errno == ENOENT || errno == ENOTDIR ? ExecutableFileCheck::different_file
                                                   : ExecutableFileCheck::unknown;
    }
    return at_path.st_dev == running->st_dev && at_path.st_ino == running->st_ino
               ? ExecutableFileCheck::same_file
               : ExecutableFileCheck::different_file;
}

// Reads /proc/PID/exe into `identity`; false when the process is gone.
bool read_executable(int pid_directory_fd, ProcessIdentity& identity) {
    char path[PATH_MAX + 1];
    const auto length = ::readlinkat(pid_directory_fd, "exe", path, PATH_MAX);
    if (length < 0) {
        const int error = errno;
        if (error == ESRCH) {
            return false;
        }
        identity.executable_problem = describe_executable_error(error);
        return true;
    }
    if (length == 0 || length >= PATH_MAX) {
        // readlink truncates silently: a path that fills the buffer may be cut.
        identity.executable_problem = describe_executable_error(ENAMETOOLONG);
        return true;
    }
    std::string executable(path, static_cast<std::size_t>(length));
    // One stat of the running file serves both questions below.
    struct stat running {};
    const bool running_known = ::fstatat(pid_directory_fd, "exe", &running, 0) == 0;
    // The suffix alone is not proof (a file may be named so); a deleted file has no links.
    if (executable.ends_with(deleted_suffix) && running_known && running.st_nlink == 0) {
        executable.resize(executable.size() - deleted_suffix.size());
        identity.executable_deleted = true;
    }
    identity.executable_file =
        check_executable_file(running_known ? &running : nullptr, executable);
    identity.executable = std::move(executable);
    return true;
}

// A container's paths are its own: whether the running file is the one at `path` in the
// process's root (/proc/PID/root), resolved the way the process itself would, with its absolute
// symlinks kept inside that root (RESOLVE_IN_ROOT, Linux 5.6) so that a link in the container's
// image cannot point the check at a file of the host.
ExecutableFileCheck check_executable_in_own_root(int pid_directory_fd, const std::string& path) {
    struct stat running {};
    if (::fstatat(pid_directory_fd, "exe", &running, 0) != 0) {
        return ExecutableFileCheck::unknown;
    }
    if (running.st_nlink == 0) {
        return ExecutableFileCheck::different_file;
    }
    const UniqueFd root(::openat(pid_directory_fd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root.valid()) {
        return ExecutableFileCheck::unknown;
    }
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    const UniqueFd file(
        static_cast<int>(::syscall(SYS_openat2, root.get(), path.c_str(), &how, sizeof(how))));
    if (!file.valid()) {
        return errno == ENOENT || errno == ENOTDIR ? ExecutableFileCheck::different_file
                                                   : ExecutableFileCheck::unknown;
    }
    struct stat at_path {};
    if (::fstat(file.get(), &at_path) != 0) {
        return ExecutableFileCheck::unknown;
    }
    return at_path.st_dev == running.st_dev && at_path.st_ino == running.st_ino
               ? ExecutableFileCheck::same_file
               : ExecutableFileCheck::different_file;
}

// Where the unified cgroup hierarchy is mounted here (/sys/fs/cgroup, or /sys/fs/cgroup/unified
// on a hybrid host), or (`unified` false) systemd's named cgroup v1 hierarchy; empty when none is.
std::string cgroup_mount_point(bool unified) {
    std::string text;
    if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", text, 1 << 20) != 0) {
        return {};
    }
    // The last one listed whose root is the hierarchy's: a later mount can hide an earlier one
    // (a unified hierarchy mounted over a hybrid host's /sys/fs/cgroup hides .../unified), and a
    // bind of a subtree names paths from elsewhere.
    std::string found;
    for (const std::string_view line : TextLines(text)) {
        // id parent major:minor root mount-point options [optional...] - fstype source super
        const auto separator = line.find(" - ");
        if (separator == std::string_view::npos) {
            continue;
        }
        const auto filesystem = line.substr(separator + 3);
        const bool wanted = unified ? filesystem.starts_with("cgroup2 ")
                                    : filesystem.starts_with("cgroup ") &&
                                          filesystem.find("name=systemd") != std::string_view::npos;
        if (!wanted) {
            continue;
        }
        std::string_view fields = line;
        for (int skip = 0; skip < 3; ++skip) {
            fields.remove_prefix(std::min(fields.size(), fields.find(' ') + 1));
        }
        if (!fields.starts_with("/ ")) {
            continue;
        }
        fields.remove_prefix(2);
        found = std::string(fields.substr(0, fields.find(' ')));
    }
    return found;
}

// Whether root owns a cgroup directory (given as /proc/PID/cgroup writes it): only root creates
// cgroups outside the subtrees delegated to users, and a delegated subtree belongs to its user.
std::optional<std::uint32_t> cgroup_directory_owner(const std::string& directory,
                                                    bool unified = true) {
    static const std::string unified_mount_point = cgroup_mount_point(true);
    static const std::string systemd_mount_point = cgroup_mount_point(false);
    const auto& mount_point = unified ? unified_mount_point : systemd_mount_point;
    struct stat owner {};
    if (mount_point.empty() || ::stat((mount_point + directory).c_str(), &owner) != 0) {
        return std::nullopt;
    }
    return owner.st_uid;
}

bool in_other_mount_namespace(int pid_directory_fd) {
    // Ours does not change during a check: looked up once.
    static const std::optional<struct stat> ours = []() -> std::optional<struct stat> {
        struct stat namespace_file {};
        if (::stat("/proc/self/ns/mnt", &namespace_file) != 0) {
            return std::nullopt;
        }
        return namespace_file;
    }
    ();
    struct stat theirs {};
    return ours && ::fstatat(pid_directory_fd, "ns/mnt", &theirs, 0) == 0 &&
           (theirs.st_ino != ours->st_ino || theirs.st_dev != ours->st_dev);
}

}  // namespace

bool parse_status(std::string_view status, std::uint32_t& effective_uid, int& parent_pid) {
    auto uids = field_value(status, "Uid:");  // real, effective, saved, filesystem
    std::uint32_t real_uid = 0;
    if (!parse_leading_number(uids, real_uid)) {
        return false;
    }
    uids.remove_prefix(std::min(uids.size(), uids.find_first_not_of(" \t")));
    uids.remove_prefix(std::min(uids.size(), uids.find_first_of(" \t")));
    return parse_leading_number(uids, effective_uid) &&
           parse_leading_number(field_value(status, "PPid:"), parent_pid);
}

std::optional<ProcessIdentity> read_process_identity(int pid, int pid_directory_fd) {
    ProcessIdentity identity;
    identity.pid = pid;
    std::string text;

    if (const int error = read_file_at(pid_directory_fd, "status", text, 4096); error != 0) {
        return std::nullopt;  // status is readable by anyone: failing means the process is gone
    }
    if (!parse_status(text, identity.uid, identity.parent_pid)) {
        return std::nullopt;
    }

    if (read_file_at(pid_directory_fd, "comm", text, 64) == 0) {
        while (!text.empty() && text.back() == '\n') {
            text.pop_back();
        }
        identity.comm = text;
    }

    if (!read_executable(pid_directory_fd, identity)) {
        return std::nullopt;
    }
    identity.other_mount_namespace = in_other_mount_namespace(pid_directory_fd);

    if (read_file_at(pid_directory_fd, "cmdline", text, max_command_line) == 0) {
        std::replace(text.begin(), text.end(), '\0', ' ');
        while (!text.empty() && text.back() == ' ') {
            text.pop_back();
        }
        identity.command_line = text;
    }
    bool container_made_by_root = false;
    if (read_file_at(pid_directory_fd, "cgroup", text, 8192) == 0) {
        // A unit in a subtree delegated to a user (their systemd --user's, or a cgroup they made
        // and named nginx.service) is their word: unit: entries are about systemd's, root's.
        auto unit = unit_cgroup_from_cgroup(text);
        if (!unit.unit.empty() && cgroup_directory_owner(unit.directory, unit.unified) == 0u) {
            identity.unit = std::move(unit.unit);
        }
        if (auto found = find_container_cgroup(text)) {
            identity.container = std::move(found->container);
            identity.container->made_by = cgroup_directory_owner(found->directory);
            container_made_by_root = identity.container->made_by == 0u;
            identity.container->made_by_root = container_made_by_root;
        }
    }
    // exe: names a path in the container's file system for a process in a container, but only
    // in a container root made: a user may create cgroups in a subtree delegated to them, name
    // one like a container's, and run a mount namespace of their own inside it.
    if (identity.container && container_made_by_root && identity.other_mount_namespace &&
        identity.executable && !identity.executable_deleted) {
        identity.executable_file =
            check_executable_in_own_root(pid_directory_fd, *identity.executable);
        identity.container->own_paths = true;
    }
    // A last look: if the process died while we read, some of the above may be empty. fstatat,
    // not faccessat: access checks run without effective capabilities, and under hidepid that
    // would make a live process look gone.
    struct stat status {};
    if (::fstatat(pid_directory_fd, "stat", &status, 0) != 0 && process_gone(errno)) {
        return std::nullopt;
    }
    return identity;
}

}  // namespace port_owner::linux_os
