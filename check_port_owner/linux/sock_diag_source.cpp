// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/sock_diag_source.hpp"

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "linux/listener_port_filter.hpp"
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
        // An error reply would otherwise carry our whole request back, larger than any buffer
        // when the request is large. Best effort: older kernels lack it, and a truncated reply
        // is caught below anyway.
        const int on = 1;
        ::setsockopt(socket_.get(), SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof(on));
    }
    return socket_.get();
}

template <typename Socket>
void SockDiagSource::dump(const std::vector<std::uint8_t>& request, std::uint32_t sequence,
                          Transport transport, std::vector<Socket>& sockets) {
    const int fd = socket_fd();
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof(kernel)) < 0) {
        throw ListenerSourceError(
            fmt::format("netlink sock_diag request failed: {}", std::strerror(errno)));
    }
    // A dump datagram is at most a few pages; 64 KiB never truncates one. Should one be larger
    // all the same, the reply is refused at once rather than misread.
    static std::array<std::uint8_t, 65536> buffer;
    while (true) {
        iovec into{buffer.data(), buffer.size()};
        msghdr message{};
        message.msg_iov = &into;
        message.msg_iovlen = 1;
        const auto received = ::recvmsg(fd, &message, 0);
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
        if ((message.msg_flags & MSG_TRUNC) != 0) {
            throw ListenerSourceError(fmt::format(
                "netlink sock_diag reply to the {} dump was truncated", transport_name(transport)));
        }
        const auto progress = parse_sock_diag_datagram(
            std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(received)),
            transport, sequence, sockets);
        if (progress.malformed) {
            throw ListenerSourceError(fmt::format(
                "netlink sock_diag reply to the {} dump is malformed", transport_name(transport)));
        }
        if (progress.error != 0) {
            throw ListenerSourceError(fmt::format("netlink sock_diag refused the {} dump: {}",
                                                  transport_name(transport),
                                                  std::strerror(progress.error)));
        }
        if (progress.done) {
            return;
        }
    }
}

std::vector<Listener> SockDiagSource::list(Transport transport, Family family,
                                           const std::vector<PortRange>& ports) {
    const auto sequence = ++sequence_;
    std::vector<Listener> listeners;
    dump(build_listener_dump_request(transport, family, ports, sequence), sequence, transport,
         listeners);
    // Without a kernel-side filter (too many ranges for one) every socket came back.
    keep_listeners_on_ports(listeners, ports);
    return listeners;
}

std::vector<DiagSocket> SockDiagSource::list_occupants(Family family,
                                                       const std::vector<PortRange>& ports) {
    const auto sequence = ++sequence_;
    std::vector<DiagSocket> sockets;
    dump(build_occupant_dump_request(family, ports, sequence), sequence, Transport::tcp, sockets);
    // Without a kernel-side filter (too many ranges for one) every connection came back.
    if (!ports.empty()) {
        std::erase_if(sockets, [&](const DiagSocket& socket) {
            return std::none_of(ports.begin(), ports.end(), [&](const PortRange& range) {
                return range.contains(socket.local.port);
            });
        });
    }
    return sockets;
}

}  // namespace port_owner::linux_os
