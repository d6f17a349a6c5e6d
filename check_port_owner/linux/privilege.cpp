// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/privilege.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "core/whole_number.hpp"
#include "linux/unique_fd.hpp"
#include "linux/write_all.hpp"

namespace port_owner::linux_os {
namespace {

struct Caller {
    uid_t uid = 0;
    gid_t gid = 0;
};

// An id from the environment: digits only, or nullopt (also for an unset variable).
std::optional<unsigned> parse_id(const char* text) {
    if (text == nullptr) {
        return std::nullopt;
    }
    return parse_whole_number<unsigned>(text);
}

// The user on whose behalf we run. Under sudo every id is 0, and sudo itself sets SUDO_UID and
// SUDO_GID to the invoking user (a caller cannot choose them without root already).
Caller caller() {
    Caller result{::getuid(), ::getgid()};
    if (result.uid != 0 || ::geteuid() != 0) {
        return result;
    }
    const auto uid = parse_id(std::getenv("SUDO_UID"));
    const auto gid = parse_id(std::getenv("SUDO_GID"));
    if (uid && gid) {
        result = {static_cast<uid_t>(*uid), static_cast<gid_t>(*gid)};
    }
    return result;
}

bool set_capabilities(std::uint64_t effective, std::uint64_t permitted, std::uint64_t inheritable) {
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    __user_cap_data_struct data[2]{};
    data[0].effective = static_cast<std::uint32_t>(effective);
    data[1].effective = static_cast<std::uint32_t>(effective >> 32);
    data[0].permitted = static_cast<std::uint32_t>(permitted);
    data[1].permitted = static_cast<std::uint32_t>(permitted >> 32);
    data[0].inheritable = static_cast<std::uint32_t>(inheritable);
    data[1].inheritable = static_cast<std::uint32_t>(inheritable >> 32);
    return ::syscall(SYS_capset, &header, data) == 0;
}

bool get_capabilities(std::uint64_t& effective, std::uint64_t& permitted,
                      std::uint64_t& inheritable) {
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) != 0) {
        return false;
    }
    const auto join = [](std::uint32_t low, std::uint32_t high) {
        return (static_cast<std::uint64_t>(high) << 32) | low;
    };
    effective = join(data[0].effective, data[1].effective);
    permitted = join(data[0].permitted, data[1].permitted);
    inheritable = join(data[0].inheritable, data[1].inheritable);
    return true;
}

constexpr std::uint64_t scan_capabilities =
    (1ull << CAP_DAC_READ_SEARCH) | (1ull << CAP_SYS_PTRACE);

int open_and_read(const std::string& path, bool no_follow, std::string& contents,
                  std::size_t max_bytes) {
    const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (no_follow ? O_NOFOLLOW : 0);
    UniqueFd file(::open(path.c_str(), flags));
    if (!file.valid()) {
        return errno;
    }
    struct stat status {};
    if (::fstat(file.get(), &status) != 0) {
        return errno;
    }
    if (!S_ISREG(status.st_mode)) {
        return EINVAL;
    }
    if (static_cast<std::uint64_t>(status.st_size) > max_bytes) {
        return EFBIG;
    }
    contents.clear();
    char buffer[16384];
    while (true) {
        const auto got = ::read(file.get(), buffer, sizeof(buffer));
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        if (got == 0) {
            return 0;
        }
        if (contents.size() + static_cast<std::size_t>(got) > max_bytes) {
            return EFBIG;
        }
        contents.append(buffer, static_cast<std::size_t>(got));
    }
}

// Root acting for someone else: read in a child that has become the caller for good, so no
// path through the parent ever opens the file with root's rights. The child sends errno (4
// bytes) then the contents through a pipe.
int read_in_caller_child(const Caller& who, const std::string& path, std::string& contents,
                         std::size_t max_bytes) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        return errno;
    }
    UniqueFd read_end(pipe_fds[0]);
    UniqueFd write_end(pipe_fds[1]);
    std::vector<gid_t> groups(64);
    int group_count = static_cast<int>(groups.size());
    if (const passwd* entry = ::getpwuid(who.uid);
        entry == nullptr ||
        ::getgrouplist(entry->pw_name, who.gid, groups.data(), &group_count) < 0) {
        groups = {who.gid};
        group_count = 1;
    }
    const pid_t child = ::fork();
    if (child < 0) {
        return errno;
    }
    if (child == 0) {
        read_end.reset();
        int error = 0;
        std::string text;
        if (::setgroups(static_cast<std::size_t>(group_count), groups.data()) != 0 ||
            ::setresgid(who.gid, who.gid, who.gid) != 0 ||
            ::setresuid(who.uid, who.uid, who.uid) != 0) {
            error = EPERM;
        } else {
            error = open_and_read(path, true, text, max_bytes);
        }
        write_all(write_end.get(),
                  std::string_view(reinterpret_cast<const char*>(&error), sizeof(error)));
        if (error == 0) {
            write_all(write_end.get(), text);
        }
        ::_exit(0);
    }
    write_end.reset();
    std::string received;
    char buffer[16384];
    while (true) {
        const auto got = ::read(read_end.get(), buffer, sizeof(buffer));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;
        }
        received.append(buffer, static_cast<std::size_t>(got));
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    int error = EIO;
    if (received.size() >= sizeof(error)) {
        std::memcpy(&error, received.data(), sizeof(error));
        contents = received.substr(sizeof(error));
    }
    return error;
}

}  // namespace

bool running_elevated() {
    return ::getauxval(AT_SECURE) != 0;
}

std::string describe_caller_file_error(int error, std::size_t max_bytes) {
    switch (error) {
        case EINVAL:
            return "not a regular file";
        case EFBIG:
            return "larger than " + std::to_string(max_bytes / 1024) + " KiB";
        default:
            return std::strerror(error);
    }
}

bool caller_is_less_privileged() {
    return running_elevated() || (::geteuid() == 0 && caller().uid != 0);
}

int read_caller_file(const std::string& path, std::string& contents, std::size_t max_bytes) {
    const auto who = caller();
    if (::geteuid() == 0 && who.uid != 0) {
        return read_in_caller_child(who, path, contents, max_bytes);
    }
    // Not root: the only extra rights can be capabilities, and they must not be effective.
    lower_scan_capabilities();
    return open_and_read(path, running_elevated(), contents, max_bytes);
}

void raise_scan_capabilities() {
    std::uint64_t effective = 0;
    std::uint64_t permitted = 0;
    std::uint64_t inheritable = 0;
    if (get_capabilities(effective, permitted, inheritable) &&
        (permitted & scan_capabilities) != 0) {
        set_capabilities(effective | (permitted & scan_capabilities), permitted, inheritable);
    }
}

bool has_scan_capabilities() {
    std::uint64_t effective = 0;
    std::uint64_t permitted = 0;
    std::uint64_t inheritable = 0;
    return get_capabilities(effective, permitted, inheritable) &&
           (permitted & scan_capabilities) == scan_capabilities;
}

void lower_scan_capabilities() {
    std::uint64_t effective = 0;
    std::uint64_t permitted = 0;
    std::uint64_t inheritable = 0;
    if (get_capabilities(effective, permitted, inheritable) && effective != 0 && ::geteuid() != 0) {
        set_capabilities(0, permitted, inheritable);
    }
}

bool drop_all_privilege() {
    const auto who = caller();
    if (::geteuid() == 0 && who.uid != 0) {
        // setuid root or sudo: become the caller entirely (groups first, while still root).
        const gid_t group = who.gid;
        if (::setgroups(1, &group) != 0 || ::setresgid(who.gid, who.gid, who.gid) != 0 ||
            ::setresuid(who.uid, who.uid, who.uid) != 0) {
            return false;
        }
    }
    return set_capabilities(0, 0, 0);
}

}  // namespace port_owner::linux_os
