// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/podman_state.hpp"

#include <sys/file.h>
#include <sys/stat.h>

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
#include "linux/users_file.hpp"

namespace port_owner::linux_os {
namespace {

// Rootless Podman keeps its state in the user's home; rootful Podman (root) in /var/lib.
constexpr std::string_view users_state_path =
    ".local/share/containers/storage/libpod/bolt_state.db";
constexpr std::string_view roots_state_path = "/var/lib/containers/storage/libpod/bolt_state.db";
// Podman 5 keeps the same state in SQLite, in the storage folder.
constexpr std::string_view sqlite_name = "db.sql";
// A state database of thousands of containers is a few MiB; more is not Podman's.
constexpr off_t largest_state = 64 << 20;
// How long a Podman that holds the database for writing is waited for, at most, and never past
// what -t leaves minus a margin for the check's own answer.
constexpr std::chrono::milliseconds longest_lock_wait = std::chrono::milliseconds(500);
constexpr std::chrono::milliseconds answer_margin = std::chrono::milliseconds(500);
constexpr std::chrono::milliseconds lock_retry = std::chrono::milliseconds(10);

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
    raise_scan_capabilities();
    struct stat file {};
    const bool found = ::lstat(path.c_str(), &file) == 0;
    lower_scan_capabilities();
    return found;
}

// Where Podman run by `uid` keeps its state; nullopt (and why) when that cannot be told.
std::optional<std::string> state_path_of(std::uint32_t uid, std::string& problem) {
    if (uid == 0) {
        return std::string(roots_state_path);
    }
    const auto home = home_directory_of(uid);
    if (!home) {
        problem = fmt::format(
            "uid {} has no home directory in the user database, where rootless "
            "Podman keeps its state",
            uid);
        return std::nullopt;
    }
    return fmt::format("{}/{}", *home, users_state_path);
}

// The whole file, or the reason it is not a state database of `uid`'s.
std::optional<std::string> read_state_file(const std::string& path, std::uint32_t uid,
                                           std::string& problem) {
    auto file = open_users_file(path, uid, largest_state);
    if (!file.fd.valid()) {
        // libpod/bolt_state.db -> db.sql, one folder up
        const auto storage = path.substr(0, path.rfind("/libpod/"));
        if (file.error == ENOENT && exists(fmt::format("{}/{}", storage, sqlite_name))) {
            problem = fmt::format(
                "Podman keeps its state in SQLite ({}/{}, Podman 5), which the plugin does not "
                "read",
                storage, sqlite_name);
        } else if (file.error == ENOENT) {
            problem = fmt::format(
                "Podman's state database {} is missing (a graph root configured elsewhere is not "
                "looked for)",
                path);
        } else if (file.error != 0) {
            problem = fmt::format("Podman's state database {} cannot be opened: {}", path,
                                  std::strerror(file.error));
        } else {
            problem = fmt::format(
                "{} is not a state database of the user's (a regular file of theirs, at most {} "
                "MiB)",
                path, largest_state >> 20);
        }
        return std::nullopt;
    }
    if (!lock_shared(file.fd.get())) {
        problem = fmt::format("{} stayed locked by a Podman writing it", path);
        return std::nullopt;
    }
    auto bytes = read_users_file(file);
    if (!bytes) {
        problem = fmt::format("{} could not be read whole", path);
    }
    return bytes;  // the lock ends with the descriptor
}

}  // namespace

std::optional<std::vector<PodmanContainer>> read_podman_containers(std::uint32_t uid,
                                                                   std::size_t& unreadable,
                                                                   std::string& problem) {
    const auto path = state_path_of(uid, problem);
    const auto bytes = path ? read_state_file(*path, uid, problem) : std::nullopt;
    if (!bytes) {
        return std::nullopt;
    }
    std::vector<PodmanContainer> containers;
    unreadable = 0;
    try {
        const BoltDatabase database(*bytes);
        const std::string_view containers_bucket[] = {"ctr"};
        // All containers in one walk: the user writes the file, and may list a million.
        for (const auto& container : database.nested_buckets(containers_bucket)) {
            const auto value = [&](std::string_view key) -> std::optional<std::string_view> {
                for (const auto& entry : container.entries) {
                    if (entry.key == key && !entry.bucket) {
                        return entry.value;
                    }
                }
                return std::nullopt;
            };
            const auto config_text = value("config");
            auto config = config_text ? parse_podman_container_config(*config_text) : std::nullopt;
            if (!config || config->id != container.key) {
                ++unreadable;
                continue;
            }
            const auto network_namespace = value("netns");
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
