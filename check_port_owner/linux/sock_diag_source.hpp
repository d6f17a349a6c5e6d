// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "linux/listener_source.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {

// Listeners from NETLINK_SOCK_DIAG: the kernel walks only its listening hash (TCP) and applies
// the port filter itself, so the cost does not grow with the number of connections.
class SockDiagSource : public ListenerSource {
  public:
    std::vector<Listener> list(Transport transport, Family family,
                               const std::vector<PortRange>& ports) override;

  private:
    int socket_fd();
    UniqueFd socket_;
    std::uint32_t sequence_ = 0;
};

}  // namespace port_owner::linux_os
