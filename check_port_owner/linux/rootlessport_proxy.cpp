// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/rootlessport_proxy.hpp"

#include "linux/packaged_executable.hpp"

namespace port_owner::linux_os {

bool is_rootlessport(const ProcessIdentity& holder) {
    return runs_packaged_executable(holder, {"rootlessport"});
}

void mark_rootlessports(std::vector<ObservedListener>& listeners) {
    for (auto& listener : listeners) {
        for (auto& holder : listener.holders) {
            if (!is_rootlessport(holder)) {
                continue;
            }
            ProxyForwarding forwarding;
            forwarding.proxy = "rootlessport";
            forwarding.target = "a port of the container's network namespace";
            forwarding.problem =
                "Podman gives it the port mappings on a pipe when it starts and nothing lists "
                "them, so which port of the container it forwards to is not known";
            holder.proxy = std::move(forwarding);
        }
    }
}

}  // namespace port_owner::linux_os
