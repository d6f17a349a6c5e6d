// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/packaged_executable.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>

namespace port_owner::linux_os {
namespace {

// /usr/lib/podman: where Debian's podman package puts its helpers (rootlessport).
constexpr std::array<std::string_view, 7> package_folders = {
    "/usr/bin/",        "/usr/sbin/",      "/usr/libexec/docker/", "/usr/libexec/podman/",
    "/usr/lib/podman/", "/usr/local/bin/", "/usr/local/sbin/"};

bool owned_by_root_alone(const char* path) {
    struct stat file {};
    return ::stat(path, &file) == 0 && file.st_uid == 0 &&
           (file.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

}  // namespace

bool runs_packaged_executable(const ProcessIdentity& holder,
                              std::initializer_list<std::string_view> names) {
    if (!holder.executable || holder.executable_deleted ||
        holder.executable_file != ExecutableFileCheck::same_file) {
        return false;
    }
    const std::string_view path = *holder.executable;
    const auto name = executable_basename(*holder.executable);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        return false;
    }
    const auto folder = path.substr(0, path.size() - name.size());
    return std::find(package_folders.begin(), package_folders.end(), folder) !=
               package_folders.end() &&
           owned_by_root_alone(holder.executable->c_str());
}

}  // namespace port_owner::linux_os
