// SPDX-License-Identifier: GPL-3.0-or-later
#include "readiness.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

#include <fmt/core.h>
#include <fmt/ranges.h>

namespace port_holder {
namespace {

void write_all(int fd, const std::string& text, const std::string& what) {
    std::string_view rest = text;
    while (!rest.empty()) {
        const ssize_t written = write(fd, rest.data(), rest.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            throw std::system_error(errno, std::generic_category(), "write() to " + what);
        }
        rest.remove_prefix(static_cast<std::size_t>(written));
    }
}

}  // namespace

std::string readiness_line(pid_t master, const std::vector<pid_t>& workers) {
    if (workers.empty())
        return fmt::format("ready {}\n", master);
    return fmt::format("ready {} {}\n", master, fmt::join(workers, " "));
}

void announce_on_fd(int fd, const std::string& line) {
    write_all(fd, line, fmt::format("readiness fd {}", fd));
    close(fd);
}

void announce_in_file(const std::string& path, const std::string& line) {
    const std::string temporary = fmt::format("{}.{}.tmp", path, getpid());
    const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "open() of " + temporary);
    try {
        write_all(fd, line, temporary);
    } catch (...) {
        close(fd);
        throw;
    }
    close(fd);
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        throw std::system_error(errno, std::generic_category(), "rename() to " + path);
    }
}

}  // namespace port_holder
