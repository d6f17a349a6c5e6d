// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/podman_state.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <span>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "core/bolt_database.hpp"
#include "linux/check_deadline.hpp"
#include "linux/privilege.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::string_view state_path = ".local/share/containers/storage/libpod/bolt_state.db";
// Podman 5 keeps the same state in SQLite next to it.
constexpr std::string_view sqlite_state_path = ".local/share/containers/storage/db.sql";
// A state database of thousands of containers is a few MiB; more is not Podman's.
constexpr off_t largest_state = 64 << 20;
// How long a Podman that holds the database for writing is waited for, at most, and never past
// what -t leaves minus a margin for the check's own answer.
constexpr std::chrono::milliseconds longest_lock_wait = std::chrono::milliseconds(500);
constexpr std::chrono::milliseconds answer_margin = std::chrono::milliseconds(500);
constexpr std::chrono::milliseconds lock_retry = std::chrono::milliseconds(10);

std::optional<std::string> home_of(std::uint32_t uid) {
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr ||
        found->pw_dir == nullptr || found->pw_dir[0] != '/') {
        return std::nullopt;
    }
    return std::string(found->pw_dir);
}

std::chrono::steady_clock::time_point lock_deadline() {
    auto wait = longest_lock_wait;
    if (const auto left = time_left_for_check()) {
        wait = std::min(
            wait, std::chrono::duration_cast<std::chrono::milliseconds>(*left) - answer_margin);
    }
    return std::chrono::steady_clock::now() + wait;
}

bool lock_shared(int fd) {
    const auto deadline = lock_deadline();
    for (;;) {
        if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
            return true;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            return false;
        }
        if (std::chrono::steady_clock::now() + lock_retry > deadline) {
            return false;
        }
        std::this_thread::sleep_for(lock_retry);
    }
}

bool exists(const std::string& path) {
    struct stat file {};
    return ::lstat(path.c_str(), &file) == 0;
}

// The whole file, or the reason it is not a state database of `uid`'s.
std::optional<std::string> read_state_file(const std::string& home, std::uint32_t uid,
                                           std::string& problem) {
    const auto path = fmt::format("{}/{}", home, state_path);
    raise_scan_capabilities();
    // O_NONBLOCK: a FIFO put there opens at once instead of waiting for a writer; it is then
    // refused as not a regular file.
    UniqueFd file(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    const int error = errno;
    const bool sqlite =
        !file.valid() && error == ENOENT && exists(fmt::format("{}/{}", home, sqlite_state_path));
    lower_scan_capabilities();
    if (!file.valid()) {
        if (sqlite) {
            problem = fmt::format(
                "Podman keeps its state in SQLite ({}/{}, Podman 5), which the plugin does not "
                "read",
                home, sqlite_state_path);
        } else if (error == ENOENT) {
            problem = fmt::format(
                "Podman's state database {} is missing (a graph root configured elsewhere is not "
                "looked for)",
                path);
        } else {
            problem = fmt::format("Podman's state database {} cannot be opened: {}", path,
                                  std::strerror(error));
        }
        return std::nullopt;
    }
    struct stat facts {};
    if (::fstat(file.get(), &facts) != 0 || !S_ISREG(facts.st_mode) || facts.st_uid != uid ||
        facts.st_size > largest_state) {
        problem = fmt::format(
            "{} is not a state database of the user's (a regular file of theirs, at most {} MiB)",
            path, largest_state >> 20);
        return std::nullopt;
    }
    if (!lock_shared(file.get())) {
        problem = fmt::format("{} stayed locked by a Podman writing it", path);
        return std::nullopt;
    }
    std::string bytes(static_cast<std::size_t>(facts.st_size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto got =
            ::pread(file.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            problem = fmt::format("{} could not be read whole", path);
            return std::nullopt;
        }
        done += static_cast<std::size_t>(got);
    }
    return bytes;  // the lock ends with the descriptor
}

}  // namespace

std::optional<std::vector<PodmanContainer>> read_podman_containers(std::uint32_t uid,
                                                                   std::size_t& unreadable,
                                                                   std::string& problem) {
    const auto home = home_of(uid);
    if (!home) {
        problem = fmt::format(
            "uid {} has no home directory in the user database, where rootless "
            "Podman keeps its state",
            uid);
        return std::nullopt;
    }
    const auto bytes = read_state_file(*home, uid, problem);
    if (!bytes) {
        return std::nullopt;
    }
    std::vector<PodmanContainer> containers;
    unreadable = 0;
    try {
        const BoltDatabase database(*bytes);
        const std::string_view containers_bucket[] = {"ctr"};
        for (const auto& entry : database.entries(containers_bucket)) {
            if (!entry.bucket) {
                continue;
            }
            const std::string_view container_bucket[] = {"ctr", entry.key};
            const auto config_text = database.value(container_bucket, "config");
            auto config = config_text ? parse_podman_container_config(*config_text) : std::nullopt;
            if (!config || config->id != entry.key) {
                ++unreadable;
                continue;
            }
            const auto network_namespace = database.value(container_bucket, "netns");
            containers.push_back(
                {std::move(*config), std::string(network_namespace.value_or(std::string_view()))});
        }
    } catch (const BoltFormatError& error) {
        problem =
            fmt::format("Podman's state database of uid {} cannot be read: {}", uid, error.what());
        return std::nullopt;
    }
    return containers;
}

}  // namespace port_owner::linux_os
