// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/users_file.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "linux/privilege.hpp"

namespace port_owner::linux_os {

std::optional<std::string> home_directory_of(std::uint32_t uid) {
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr ||
        found->pw_dir == nullptr || found->pw_dir[0] != '/') {
        return std::nullopt;
    }
    return std::string(found->pw_dir);
}

UsersFile open_users_file(const std::string& path, std::uint32_t uid, off_t largest) {
    UsersFile file;
    raise_scan_capabilities();
    file.fd.reset(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    file.error = file.fd.valid() ? 0 : errno;
    lower_scan_capabilities();
    if (!file.fd.valid()) {
        return file;
    }
    struct stat facts {};
    if (::fstat(file.fd.get(), &facts) != 0 || !S_ISREG(facts.st_mode) || facts.st_uid != uid ||
        facts.st_size > largest) {
        file.fd.reset();
        return file;
    }
    file.size = facts.st_size;
    return file;
}

std::optional<std::string> read_users_file(UsersFile& file) {
    std::string bytes(static_cast<std::size_t>(file.size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        const auto got = ::pread(file.fd.get(), bytes.data() + done, bytes.size() - done,
                                 static_cast<off_t>(done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return std::nullopt;
        }
        done += static_cast<std::size_t>(got);
    }
    return bytes;
}

}  // namespace port_owner::linux_os
