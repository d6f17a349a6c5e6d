// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the parser of SOCK_DIAG_BY_FAMILY dump reply datagrams (netlink).
//
// Input: one control byte (bit 0: UDP; bit 1: take the sequence number from the first message
// instead of the fixed one the seed corpus was recorded with), then the datagram.

#include <linux/inet_diag.h>
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "fuzz_support.hpp"
#include "linux/sock_diag_reply.hpp"

namespace {

// The sequence number of the dump requests whose replies were recorded as the seed corpus.
constexpr std::uint32_t corpus_sequence = 4242;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace port_owner;
    if (size == 0) {
        return 0;
    }
    const auto transport = (data[0] & 1) != 0 ? Transport::udp : Transport::tcp;
    // A copy in a buffer of exactly the datagram's size, so ASan sees any read past its end.
    const std::vector<std::uint8_t> datagram(data + 1, data + size);
    std::uint32_t sequence = corpus_sequence;
    if ((data[0] & 2) != 0 && datagram.size() >= sizeof(nlmsghdr)) {
        nlmsghdr header;
        std::memcpy(&header, datagram.data(), sizeof(header));
        sequence = header.nlmsg_seq;
    }

    std::vector<Listener> listeners;
    const auto progress = linux_os::parse_sock_diag_datagram(
        std::span<const std::uint8_t>(datagram.data(), datagram.size()), transport, sequence,
        listeners);
    FUZZ_CHECK(progress.error >= 0);
    FUZZ_CHECK(progress.error == 0 || progress.done);
    FUZZ_CHECK(listeners.size() <= datagram.size() / (NLMSG_HDRLEN + sizeof(inet_diag_msg)));
    for (const auto& listener : listeners) {
        FUZZ_CHECK(listener.transport == transport);
        // No check on v6only: an AF_INET6 message for a v4-mapped address gives an IPv4 listener
        // that may carry the attribute's v6only; Listener::serves() ignores it for IPv4.
        (void)listener.address.to_host_string();
    }

    // The occupant form walks the same messages and keeps the same local ends.
    std::vector<linux_os::DiagSocket> sockets;
    const auto occupant_progress = linux_os::parse_sock_diag_datagram(
        std::span<const std::uint8_t>(datagram.data(), datagram.size()), transport, sequence,
        sockets);
    FUZZ_CHECK(occupant_progress.done == progress.done);
    FUZZ_CHECK(occupant_progress.error == progress.error);
    FUZZ_CHECK(occupant_progress.malformed == progress.malformed);
    FUZZ_CHECK(sockets.size() == listeners.size());
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        FUZZ_CHECK(sockets[i].local.inode == listeners[i].inode);
        FUZZ_CHECK(sockets[i].local.port == listeners[i].port);
        (void)sockets[i].remote_address.to_host_string();
    }
    return 0;
}
