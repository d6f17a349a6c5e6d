// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/sock_diag_reply.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

namespace port_owner::linux_os {
namespace {

template <typename T>
T load(std::span<const std::uint8_t> bytes) {
    T value;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
}

// The attributes that follow inet_diag_msg that the plugin reads.
struct SocketAttributes {
    bool v6only = false;
    std::uint64_t cgroup_id = 0;  // INET_DIAG_CGROUP_ID (Linux 5.7), 0 when absent
};

SocketAttributes read_attributes(std::span<const std::uint8_t> attributes) {
    SocketAttributes found;
    while (attributes.size() >= NLA_HDRLEN) {
        const auto attribute = load<nlattr>(attributes);
        if (attribute.nla_len < NLA_HDRLEN || attribute.nla_len > attributes.size()) {
            return found;
        }
        const auto type = attribute.nla_type & NLA_TYPE_MASK;
        if (type == INET_DIAG_SKV6ONLY && attribute.nla_len >= NLA_HDRLEN + 1) {
            found.v6only = attributes[NLA_HDRLEN] != 0;
        } else if (type == INET_DIAG_CGROUP_ID &&
                   attribute.nla_len >= NLA_HDRLEN + sizeof(std::uint64_t)) {
            found.cgroup_id = load<std::uint64_t>(attributes.subspan(NLA_HDRLEN));
        }
        const auto step = static_cast<std::size_t>(NLA_ALIGN(attribute.nla_len));
        if (step >= attributes.size()) {
            break;
        }
        attributes = attributes.subspan(step);
    }
    return found;
}

// Reads one inet_diag_msg; false for a message too short or of another family.
bool read_socket(std::span<const std::uint8_t> payload, Transport transport, DiagSocket& socket) {
    if (payload.size() < sizeof(inet_diag_msg)) {
        return false;
    }
    const auto message = load<inet_diag_msg>(payload);
    Listener& local = socket.local;
    local.transport = transport;
    local.port = ntohs(message.id.idiag_sport);
    local.inode = message.idiag_inode;
    local.socket_uid = message.idiag_uid;
    socket.state = message.idiag_state;
    socket.remote_port = ntohs(message.id.idiag_dport);
    if (message.idiag_family == AF_INET) {
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), message.id.idiag_src, bytes.size());
        local.address = IpAddress::ipv4(bytes);
        std::memcpy(bytes.data(), message.id.idiag_dst, bytes.size());
        socket.remote_address = IpAddress::ipv4(bytes);
    } else if (message.idiag_family == AF_INET6) {
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), message.id.idiag_src, bytes.size());
        local.address = IpAddress::ipv6(bytes);
        std::memcpy(bytes.data(), message.id.idiag_dst, bytes.size());
        socket.remote_address = IpAddress::ipv6(bytes);
    } else {
        return false;
    }
    const auto attributes = read_attributes(payload.subspan(NLMSG_ALIGN(sizeof(inet_diag_msg))));
    if (message.idiag_family == AF_INET6) {
        local.v6only = attributes.v6only;
    }
    local.cgroup_id = attributes.cgroup_id;
    return true;
}

// Walks the messages of one datagram, handing each socket to `take`.
template <typename Take>
ReplyProgress parse_datagram(std::span<const std::uint8_t> datagram, Transport transport,
                             std::uint32_t sequence, Take&& take) {
    ReplyProgress progress;
    while (!datagram.empty()) {
        if (datagram.size() < NLMSG_HDRLEN) {
            progress.malformed = true;
            break;
        }
        const auto header = load<nlmsghdr>(datagram);
        if (header.nlmsg_len < NLMSG_HDRLEN || header.nlmsg_len > datagram.size()) {
            progress.malformed = true;
            break;
        }
        const auto payload = datagram.subspan(NLMSG_HDRLEN, header.nlmsg_len - NLMSG_HDRLEN);
        if (header.nlmsg_seq == sequence) {
            if (header.nlmsg_type == NLMSG_DONE) {
                progress.done = true;
                return progress;
            }
            if (header.nlmsg_type == NLMSG_ERROR) {
                const int error = payload.size() >= sizeof(int) ? load<int>(payload) : -EIO;
                // The kernel sends -errno; anything else (positive, or INT_MIN whose negation
                // overflows) is a malformed reply, reported as a protocol error.
                progress.error = error == 0 ? 0 : (error < 0 && error > -4096) ? -error : EPROTO;
                progress.done = true;
                return progress;
            }
            DiagSocket socket;
            if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
                read_socket(payload, transport, socket)) {
                take(std::move(socket));
            }
        }
        const auto step = static_cast<std::size_t>(NLMSG_ALIGN(header.nlmsg_len));
        if (step >= datagram.size()) {
            break;
        }
        datagram = datagram.subspan(step);
    }
    return progress;
}

}  // namespace

ReplyProgress parse_sock_diag_datagram(std::span<const std::uint8_t> datagram, Transport transport,
                                       std::uint32_t sequence, std::vector<Listener>& listeners) {
    return parse_datagram(datagram, transport, sequence,
                          [&](DiagSocket&& socket) { listeners.push_back(socket.local); });
}

ReplyProgress parse_sock_diag_datagram(std::span<const std::uint8_t> datagram, Transport transport,
                                       std::uint32_t sequence, std::vector<DiagSocket>& sockets) {
    return parse_datagram(datagram, transport, sequence,
                          [&](DiagSocket&& socket) { sockets.push_back(std::move(socket)); });
}

}  // namespace port_owner::linux_os
