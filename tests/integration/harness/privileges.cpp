// SPDX-License-Identifier: GPL-3.0-or-later
#include "privileges.hpp"

#include "unique_fd.hpp"

#include <endian.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include <fmt/core.h>

namespace integration {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

ChildIdentity nobody() {
    const passwd* user = getpwnam("nobody");
    if (user == nullptr)
        throw std::runtime_error("there is no user 'nobody' on this system");
    const group* debian_group = getgrnam("nogroup");
    return ChildIdentity{.uid = user->pw_uid,
                         .gid = debian_group != nullptr ? debian_group->gr_gid : user->pw_gid};
}

void set_mode(const std::filesystem::path& path, unsigned mode) {
    if (chmod(path.c_str(), static_cast<mode_t>(mode)) != 0)
        throw_errno(fmt::format("chmod({:o}, {})", mode, path.string()));
}

void grant_plugin_capabilities(const std::filesystem::path& executable) {
    vfs_cap_data capabilities{};
    // Revision 2, no VFS_CAP_FLAGS_EFFECTIVE: the capabilities are permitted, and the plugin raises
    // them itself around the /proc scan.
    capabilities.magic_etc = htole32(VFS_CAP_REVISION_2);
    capabilities.data[0].permitted = htole32((1U << CAP_DAC_READ_SEARCH) | (1U << CAP_SYS_PTRACE));
    if (setxattr(executable.c_str(), "security.capability", &capabilities, XATTR_CAPS_SZ_2, 0) !=
        0) {
        throw_errno("setxattr(security.capability) on " + executable.string() +
                    " (setcap cap_dac_read_search,cap_sys_ptrace=p)");
    }
}

void make_setuid_root(const std::filesystem::path& executable) {
    if (chown(executable.c_str(), 0, 0) != 0)
        throw_errno("chown(root:root, " + executable.string() + ")");
    set_mode(executable, 04755);  // after chown, which clears the setuid bit
}

void require_privilege_granting_file_system(const std::filesystem::path& path) {
    struct statvfs file_system {};
    if (statvfs(path.c_str(), &file_system) != 0)
        throw_errno("statvfs(" + path.string() + ")");
    if ((file_system.f_flag & ST_NOSUID) != 0) {
        throw std::runtime_error(
            fmt::format("{} is on a file system mounted nosuid: setuid and file capabilities "
                        "have no effect there; set TMPDIR to a directory elsewhere",
                        path.string()));
    }
}

std::string read_whole_file(const std::filesystem::path& path) {
    const UniqueFd file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file.valid())
        throw_errno("open(" + path.string() + ")");
    std::string content;
    char buffer[4096];
    while (true) {
        const ssize_t received = read(file.get(), buffer, sizeof buffer);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0)
            throw_errno("read(" + path.string() + ")");
        if (received == 0)
            return content;
        content.append(buffer, static_cast<std::size_t>(received));
    }
}

}  // namespace integration
