// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/sock_diag_request.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>

namespace port_owner::linux_os {
namespace {

constexpr std::uint32_t every_state = ~0u;

void append_op(std::vector<std::uint8_t>& program, std::uint8_t code, std::uint8_t yes,
               std::uint16_t no) {
    const inet_diag_bc_op op{code, yes, no};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&op);
    program.insert(program.end(), bytes, bytes + sizeof(op));
}

}  // namespace

std::vector<std::uint8_t> build_port_filter(const std::vector<PortRange>& ranges) {
    // The kernel runs the program from the start: a condition that holds moves `yes` bytes on, one
    // that fails moves `no` bytes on. Reaching the exact end accepts the socket; jumping 4 bytes
    // past it rejects. inet_diag_bc_audit() also demands that every jump target lie on the chain
    // of `yes` jumps from the start, which is why ranges are joined the way ss joins `or`: each
    // range block is followed by an unconditional JMP to the end, and a failing block jumps just
    // past that JMP, to the next block.
    //
    //   per range: S_GE low (8 bytes) | S_LE high (8 bytes)    then JMP-to-end (4) between blocks
    constexpr std::uint16_t block_size = 16;
    constexpr std::uint16_t jump_size = 4;
    std::vector<std::uint8_t> program;
    if (ranges.empty() || ranges.size() > max_kernel_filter_ranges) {
        return program;
    }
    const std::size_t total = ranges.size() * block_size + (ranges.size() - 1) * jump_size;
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        // A failing comparison goes to the next block, or past the end (reject) for the last one.
        append_op(program, INET_DIAG_BC_S_GE, 8, block_size + jump_size);
        append_op(program, 0, 0, ranges[i].low);
        append_op(program, INET_DIAG_BC_S_LE, 8, block_size + jump_size - 8);
        append_op(program, 0, 0, ranges[i].high);
        if (i + 1 < ranges.size()) {
            const auto remaining = static_cast<std::uint16_t>(total - program.size());
            // JMP always takes `no`: straight to the end, i.e. accept.
            append_op(program, INET_DIAG_BC_JMP, jump_size, remaining);
        }
    }
    return program;
}

namespace {

std::vector<std::uint8_t> build_dump_request(Transport transport, Family family,
                                             const std::vector<PortRange>& ranges,
                                             std::uint32_t states, std::uint32_t sequence) {
    const auto filter = build_port_filter(ranges);
    const std::size_t attribute_length = filter.empty() ? 0 : NLA_HDRLEN + filter.size();
    const std::size_t message_length =
        NLMSG_LENGTH(sizeof(inet_diag_req_v2)) + NLA_ALIGN(attribute_length);

    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(message_length);
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    header.nlmsg_seq = sequence;

    inet_diag_req_v2 request{};
    request.sdiag_family = family == Family::ipv4 ? AF_INET : AF_INET6;
    request.sdiag_protocol = transport == Transport::tcp ? IPPROTO_TCP : IPPROTO_UDP;
    request.idiag_states = states;

    // Laid out at fixed offsets in a zeroed buffer of the final size (padding included).
    std::vector<std::uint8_t> message(message_length, 0);
    std::memcpy(message.data(), &header, sizeof(header));
    const std::size_t request_offset = NLMSG_LENGTH(0);
    std::memcpy(message.data() + request_offset, &request, sizeof(request));
    if (!filter.empty()) {
        nlattr attribute{};
        attribute.nla_len = static_cast<std::uint16_t>(attribute_length);
        attribute.nla_type = INET_DIAG_REQ_BYTECODE;
        const std::size_t attribute_offset = NLMSG_LENGTH(sizeof(inet_diag_req_v2));
        std::memcpy(message.data() + attribute_offset, &attribute, sizeof(attribute));
        std::memcpy(message.data() + attribute_offset + NLA_HDRLEN, filter.data(), filter.size());
    }
    return message;
}

}  // namespace

std::vector<std::uint8_t> build_listener_dump_request(Transport transport, Family family,
                                                      const std::vector<PortRange>& ranges,
                                                      std::uint32_t sequence) {
    // TCP: LISTEN only. UDP: every state. A bound UDP socket is unconnected (TCP_CLOSE) or
    // connected (TCP_ESTABLISHED); a connected one that shares the port with a server
    // (SO_REUSEADDR) receives its peer's datagrams ahead of it, so it holds the port as much.
    return build_dump_request(transport, family, ranges,
                              transport == Transport::tcp ? (1u << TCP_LISTEN) : every_state,
                              sequence);
}

std::vector<std::uint8_t> build_occupant_dump_request(Family family,
                                                      const std::vector<PortRange>& ranges,
                                                      std::uint32_t sequence) {
    // Every state but LISTEN, and the bound-only sockets, which the kernel lists (as TCP_CLOSE,
    // from its bind table) only when this bit of their own is asked; kernels before it ignore it.
    return build_dump_request(Transport::tcp, family, ranges,
                              (every_state & ~(1u << TCP_LISTEN)) | (1u << tcp_bound_inactive),
                              sequence);
}

}  // namespace port_owner::linux_os
