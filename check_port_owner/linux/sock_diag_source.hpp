// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <vector>

#include "linux/listener_source.hpp"
#include "linux/sock_diag_reply.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {

// Listeners from NETLINK_SOCK_DIAG: the kernel walks only its listening hash (TCP) and applies
// the port filter itself, so the cost does not grow with the number of connections.
class SockDiagSource : public ListenerSource {
  public:
    std::vector<Listener> list(Transport transport, Family family,
                               const std::vector<PortRange>& ports) override;

    // TCP sockets of one family on `ports` that do not listen: connections in any state, and
    // sockets bound only (which kernels before 6.7 do not list). Throws ListenerSourceError.
    std::vector<DiagSocket> list_occupants(Family family, const std::vector<PortRange>& ports);

  private:
    int socket_fd();
    template <typename Socket>
    void dump(const std::vector<std::uint8_t>& request, std::uint32_t sequence, Transport transport,
              std::vector<Socket>& sockets);
    UniqueFd socket_;
    std::uint32_t sequence_ = 0;
};

}  // namespace port_owner::linux_os
