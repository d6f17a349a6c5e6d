// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/proc_net_source.hpp"

#include <fcntl.h>

#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "linux/file_reading.hpp"
#include "linux/listener_port_filter.hpp"
#include "linux/proc_net_parser.hpp"

namespace port_owner::linux_os {
namespace {

Ipv6SocketDefault ipv6_socket_default() {
    std::string value;
    return read_file_at(AT_FDCWD, "/proc/sys/net/ipv6/bindv6only", value, 16) == 0 &&
                   value.starts_with('1')
               ? Ipv6SocketDefault::ipv6_only
               : Ipv6SocketDefault::dual_stack;
}

}  // namespace

std::vector<Listener> ProcNetSource::list(Transport transport, Family family,
                                          const std::vector<PortRange>& ports) {
    const auto path =
        fmt::format("/proc/net/{}{}", transport_name(transport), family == Family::ipv6 ? "6" : "");
    std::string text;
    if (const int error =
            read_file_at(AT_FDCWD, path.c_str(), text, std::numeric_limits<std::size_t>::max());
        error != 0) {
        if (error == ENOENT && family == Family::ipv6) {
            return {};  // IPv6 disabled in this kernel: no IPv6 listeners
        }
        throw ListenerSourceError(fmt::format("cannot read {}: {}", path, std::strerror(error)));
    }
    auto listeners = parse_proc_net_table(text, transport, family, ipv6_socket_default());
    keep_listeners_on_ports(listeners, ports);
    return listeners;
}

}  // namespace port_owner::linux_os
