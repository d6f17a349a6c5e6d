#include "linux/sock_diag_source.hpp"

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "linux/sock_diag_reply.hpp"
#include "linux/sock_diag_request.hpp"

namespace port_owner::linux_os {

int SockDiagSource::socket_fd() {
    if (!socket_.valid()) {
        socket_.reset(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
        if (!socket_.valid()) {
            throw ListenerSourceError(
                fmt::format("netlink sock_diag unavailable: {}", std::strerror(errno)));
        }
    }
    return socket_.get();
}

std::vector<Listener> SockDiagSource::list(Transport transport, Family family,
                                           const std::vector<PortRange>& ports) {
    const int fd = socket_fd();
    const auto sequence = ++sequence_;
    const auto request = build_listener_dump_request(transport, family, ports, sequence);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof(kernel)) < 0) {
        throw ListenerSourceError(
            fmt::format("netlink sock_diag request failed: {}", std::strerror(errno)));
    }
    // A dump datagram is at most a few pages; 64 KiB never truncates one.
    static std::array<std::uint8_t, 65536> buffer;
    std::vector<Listener> listeners;
    while (true) {
        const auto received = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (received < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw ListenerSourceError(
                fmt::format("netlink sock_diag reply failed: {}", std::strerror(errno)));
        }
        if (received == 0) {
            throw ListenerSourceError("netlink sock_diag reply ended early");
        }
        const auto progress = parse_sock_diag_datagram(
            std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(received)),
            transport, sequence, listeners);
        if (progress.error != 0) {
            throw ListenerSourceError(fmt::format("netlink sock_diag refused the {} dump: {}",
                                                  transport_name(transport),
                                                  std::strerror(progress.error)));
        }
        if (progress.done) {
            return listeners;
        }
    }
}

}  // namespace port_owner::linux_os
