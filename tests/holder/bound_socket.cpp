// SPDX-License-Identifier: GPL-3.0-or-later
#include "bound_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <fmt/core.h>

namespace port_holder {
namespace {

[[noreturn]] void fail(int socket_fd, std::string_view step, const SocketSpec& spec) {
    const int error = errno;
    if (socket_fd >= 0)
        close(socket_fd);
    throw std::system_error(error, std::generic_category(),
                            fmt::format("{} for socket '{}'", step, spec.text));
}

void enable(int socket_fd, int level, int option, std::string_view step, const SocketSpec& spec) {
    const int on = 1;
    if (setsockopt(socket_fd, level, option, &on, sizeof on) != 0)
        fail(socket_fd, step, spec);
}

}  // namespace

int open_bound_socket(const SocketSpec& spec) {
    const int type = spec.transport == Transport::tcp ? SOCK_STREAM : SOCK_DGRAM;
    const int socket_fd = socket(spec.family(), type | SOCK_CLOEXEC, 0);
    if (socket_fd < 0)
        fail(socket_fd, "socket()", spec);

    // Like every real server: a restarted test server must not wait for TIME_WAIT to pass.
    if (spec.transport == Transport::tcp || spec.reuseaddr) {
        enable(socket_fd, SOL_SOCKET, SO_REUSEADDR, "setsockopt(SO_REUSEADDR)", spec);
    }
    if (spec.reuseport) {
        enable(socket_fd, SOL_SOCKET, SO_REUSEPORT, "setsockopt(SO_REUSEPORT)", spec);
    }
    if (spec.v6only) {
        const int value = *spec.v6only ? 1 : 0;
        if (setsockopt(socket_fd, IPPROTO_IPV6, IPV6_V6ONLY, &value, sizeof value) != 0) {
            fail(socket_fd, "setsockopt(IPV6_V6ONLY)", spec);
        }
    }

    if (bind(socket_fd, reinterpret_cast<const sockaddr*>(&spec.address), spec.address_length) !=
        0) {
        fail(socket_fd, "bind()", spec);
    }
    // A TCP socket that connects, or is only bound, must not listen: it is there to occupy the
    // port without serving it.
    const bool listens = spec.transport == Transport::tcp && !spec.peer && !spec.no_listen;
    if (listens && listen(socket_fd, SOMAXCONN) != 0) {
        fail(socket_fd, "listen()", spec);
    }
    if (spec.peer && connect(socket_fd, reinterpret_cast<const sockaddr*>(&*spec.peer),
                             spec.address_length) != 0) {
        fail(socket_fd, "connect()", spec);
    }
    return socket_fd;
}

}  // namespace port_holder
