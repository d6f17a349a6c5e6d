// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "linux/listener_source.hpp"

namespace port_owner::linux_os {

// Listeners from the text tables in /proc/net: the fallback when netlink sock_diag is not
// available (old or restricted kernels). Slower on busy hosts, since the files list every socket
// in every state, and blind to IPV6_V6ONLY (the bindv6only sysctl is assumed).
class ProcNetSource : public ListenerSource {
  public:
    std::vector<Listener> list(Transport transport, Family family,
                               const std::vector<PortRange>& ports) override;
};

}  // namespace port_owner::linux_os
