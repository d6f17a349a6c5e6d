// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/socket_cgroup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <optional>

#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

// /sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified on a hybrid one.
std::optional<std::string> cgroup2_mount() {
    for (const char* path : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
        struct statfs file_system {};
        if (::statfs(path, &file_system) == 0 && file_system.f_type == CGROUP2_SUPER_MAGIC) {
            return std::string(path);
        }
    }
    return std::nullopt;
}

// Depth-first below `directory_fd` (whose path is `relative`), at most `levels` deep.
std::string find_directory(int directory_fd, const std::string& relative, std::uint64_t inode,
                           int levels) {
    if (levels == 0) {
        return {};
    }
    const int duplicate = ::dup(directory_fd);
    if (duplicate < 0) {
        return {};
    }
    DIR* directory = ::fdopendir(duplicate);
    if (directory == nullptr) {
        ::close(duplicate);
        return {};
    }
    std::string found;
    while (found.empty()) {
        const dirent* entry = ::readdir(directory);
        if (entry == nullptr) {
            break;
        }
        if (entry->d_type != DT_DIR || entry->d_name[0] == '.') {
            continue;
        }
        const auto path = relative + "/" + entry->d_name;
        if (entry->d_ino == inode) {
            found = path;
            break;
        }
        UniqueFd child(
            ::openat(directory_fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (child.get() >= 0) {
            found = find_directory(child.get(), path, inode, levels - 1);
        }
    }
    ::closedir(directory);
    return found;
}

}  // namespace

std::string socket_unit_from_cgroup_path(std::string_view path) {
    const auto slash = path.rfind('/');
    const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    constexpr std::string_view suffix = ".socket";
    if (name.size() <= suffix.size() || !name.ends_with(suffix)) {
        return {};
    }
    return std::string(name);
}

std::string cgroup_path_of_id(std::uint64_t cgroup_id) {
    const auto mount = cgroup2_mount();
    if (cgroup_id == 0 || !mount) {
        return {};
    }
    UniqueFd root(::open(mount->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (root.get() < 0) {
        return {};
    }
    // /system.slice/NAME.socket, or one level deeper in a nested (container) hierarchy.
    constexpr int levels = 4;
    return find_directory(root.get(), "", cgroup_id, levels);
}

}  // namespace port_owner::linux_os
