// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/linux_inventory.hpp"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "linux/docker_proxy_follower.hpp"
#include "linux/file_reading.hpp"
#include "linux/holder_scan.hpp"
#include "linux/ip_local_ports.hpp"
#include "linux/pasta_follower.hpp"
#include "linux/privilege.hpp"
#include "linux/proc_hidepid.hpp"
#include "linux/proc_net_source.hpp"
#include "linux/rootlesskit_follower.hpp"
#include "linux/rootlessport_follower.hpp"
#include "linux/sock_diag_source.hpp"
#include "linux/socket_activation.hpp"

namespace port_owner::linux_os {
namespace {

constexpr std::string_view privilege_remedy =
    "run as root, with capabilities cap_dac_read_search,cap_sys_ptrace, or through sudo";

std::string describe_unexamined(const UnexaminedProcesses& unexamined) {
    std::vector<std::string> parts;
    if (unexamined.denied > 0) {
        parts.push_back(fmt::format("{} {} not be examined (permission denied)", unexamined.denied,
                                    unexamined.denied == 1 ? "process could" : "processes could"));
    }
    if (unexamined.failed > 0) {
        parts.push_back(fmt::format("{} {} not be read ({})", unexamined.failed,
                                    unexamined.failed == 1 ? "fd table could" : "fd tables could",
                                    std::strerror(unexamined.first_failure)));
    }
    return fmt::format("{}", fmt::join(parts, "; "));
}

std::string example_pids(const UnexaminedProcesses& unexamined) {
    return unexamined.example_pids.empty()
               ? std::string()
               : fmt::format("; among them pid {}", fmt::join(unexamined.example_pids, ", "));
}

// Why holders may be missing, or "" when the walk saw every process it needed to.
// - hidepid hides other users' processes from an unprivileged reader: an empty scan proves nothing;
// - a failed read (EMFILE, ENOMEM...) may have skipped a holder, whatever the privilege;
// - a denied process may hold the socket, unless the scan had full privilege: then it is one that
//   no configuration of this plugin could read (an LSM, or a process of a parent user namespace),
//   reported as a caveat instead, or no host like that could ever be checked.
struct Completeness {
    std::string problem;  // holders may be missing
    std::string caveat;   // worth saying, does not put the holders in doubt
};

Completeness assess_completeness(const HolderScanResult& scan, const std::string& hidepid,
                                 bool full_privilege) {
    const auto& unexamined = scan.unexamined;
    if (!hidepid.empty()) {
        // Hidden processes are not even listed, so the unexamined count says nothing.
        return {fmt::format("/proc is mounted with hidepid={}: other users' processes may be "
                            "hidden; {}",
                            hidepid, privilege_remedy),
                {}};
    }
    if (unexamined.failed > 0 || (unexamined.denied > 0 && !full_privilege)) {
        return {fmt::format("{}; {}{}", describe_unexamined(unexamined),
                            unexamined.failed > 0 ? "try again, or raise the open-files limit"
                                                  : privilege_remedy,
                            example_pids(unexamined)),
                {}};
    }
    if (unexamined.denied > 0) {
        return {{},
                fmt::format("{} even with full privilege{}", describe_unexamined(unexamined),
                            example_pids(unexamined))};
    }
    return {};
}

// In a container's own PID namespace, processes of the enclosing namespaces are not in /proc at
// all; a holder among them cannot be seen. The initial PID namespace has a fixed inode number
// (PROC_PID_INIT_INO in the kernel).
bool in_nested_pid_namespace() {
    constexpr ino_t initial_pid_namespace = 0xEFFFFFFCU;
    struct stat namespace_file {};
    return ::stat("/proc/self/ns/pid", &namespace_file) == 0 &&
           namespace_file.st_ino != initial_pid_namespace;
}

// The kernel's release when it is older than 6.7, which added the dump of bound-only TCP sockets
// to sock_diag; nullopt for 6.7 and later (or a release that cannot be read: then nothing is
// claimed either way, as a distribution may have backported the dump).
std::optional<std::string> kernel_without_bound_socket_dump() {
    utsname names{};
    unsigned major = 0;
    unsigned minor = 0;
    if (::uname(&names) != 0 || std::sscanf(names.release, "%u.%u", &major, &minor) != 2) {
        return std::nullopt;
    }
    if (major > 6 || (major == 6 && minor >= 7)) {
        return std::nullopt;
    }
    return std::string(names.release);
}

// TCP_NEW_SYN_RECV: a connection request not yet accepted, which glibc's header does not name.
constexpr std::uint8_t tcp_new_syn_recv = 12;

ConnectionState connection_state(std::uint8_t state) {
    switch (state) {
        case TCP_ESTABLISHED:
            return ConnectionState::established;
        case TCP_SYN_SENT:
            return ConnectionState::syn_sent;
        case TCP_SYN_RECV:
        case tcp_new_syn_recv:
            return ConnectionState::syn_received;
        case TCP_FIN_WAIT1:
            return ConnectionState::fin_wait_1;
        case TCP_FIN_WAIT2:
            return ConnectionState::fin_wait_2;
        case TCP_TIME_WAIT:
            return ConnectionState::time_wait;
        case TCP_CLOSE_WAIT:
            return ConnectionState::close_wait;
        case TCP_LAST_ACK:
            return ConnectionState::last_ack;
        case TCP_CLOSING:
            return ConnectionState::closing;
        default:
            return ConnectionState::closed;
    }
}

}  // namespace

LinuxInventory::LinuxInventory(ListenerSourceChoice choice)
    : choice_(choice),
      netlink_(std::make_unique<SockDiagSource>()),
      proc_net_(std::make_unique<ProcNetSource>()) {}

LinuxInventory::~LinuxInventory() = default;

std::vector<Listener> LinuxInventory::list_listeners(Transport transport,
                                                     const std::vector<PortRange>& ports,
                                                     std::vector<std::string>& notes) {
    std::vector<Listener> listeners;
    for (const auto family : {Family::ipv4, Family::ipv6}) {
        std::vector<Listener> found;
        bool from_proc_net = choice_ == ListenerSourceChoice::proc;
        if (!from_proc_net) {
            try {
                found = netlink_->list(transport, family, ports);
            } catch (const ListenerSourceError& error) {
                if (choice_ == ListenerSourceChoice::netlink) {
                    throw;
                }
                from_proc_net = true;
                notes.push_back(fmt::format("{}{} listeners from /proc/net: netlink failed ({})",
                                            transport_name(transport),
                                            family == Family::ipv4 ? "4" : "6", error.what()));
            }
        }
        if (from_proc_net) {
            found = proc_net_->list(transport, family, ports);
        }
        listeners.insert(listeners.end(), found.begin(), found.end());
    }
    return listeners;
}

Observation LinuxInventory::observe(const InventoryQuery& query) {
    Observation observation;
    std::vector<Listener> listeners;
    try {
        if (query.want_tcp) {
            listeners = list_listeners(Transport::tcp, query.tcp_ports, observation.notes);
        }
        if (query.want_udp) {
            auto udp = list_listeners(Transport::udp, query.udp_ports, observation.notes);
            listeners.insert(listeners.end(), udp.begin(), udp.end());
        }
    } catch (const ListenerSourceError& error) {
        throw InventoryError(error.what());
    }
    if (choice_ == ListenerSourceChoice::proc) {
        observation.notes.push_back(
            "listeners from /proc/net (--listener-source proc): IPV6_V6ONLY is not visible");
    }

    auto attributed = attribute_holders(listeners, query.first_holder_only);
    follow_docker_proxies(attributed.sockets, user_names_, container_names_);
    follow_pastas(attributed.sockets, user_names_, container_names_);
    follow_rootlesskits(attributed.sockets, user_names_, container_names_);
    follow_rootlessports(attributed.sockets, user_names_, container_names_);
    if (in_nested_pid_namespace()) {
        observation.notes.push_back(
            "the plugin runs in a nested PID namespace (a container): processes outside it are "
            "not visible, and a holder among them would not be seen");
    }
    if (query.first_holder_only) {
        observation.notes.push_back(
            "--first-holder: only the first holder of each socket was checked; another process "
            "sharing it (an inherited or passed socket, a thread's own fd table) is not seen");
    }
    if (!attributed.caveat.empty()) {
        observation.details.push_back(attributed.caveat);
    }
    observation.listeners = std::move(attributed.sockets);
    attribute_socket_activation(observation.listeners, user_names_);
    return observation;
}

LinuxInventory::Attributed LinuxInventory::attribute_holders(std::vector<Listener>& sockets,
                                                             bool first_holder_only) {
    HolderScanRequest request;
    request.first_holder_only = first_holder_only;
    request.sockets.reserve(sockets.size());
    for (auto& socket : sockets) {
        socket.socket_user = user_names_.name(socket.socket_uid);
        request.sockets.push_back({socket.inode, socket.socket_uid});
    }
    // The capabilities (if the package granted them) are effective for this walk only.
    raise_scan_capabilities();
    auto scan = scan_holders(request);
    lower_scan_capabilities();
    for (auto& [inode, holders] : scan.holders) {
        for (auto& holder : holders) {
            holder.user = user_names_.name(holder.uid);
            if (holder.container) {
                container_names_.name(*holder.container);
            }
        }
    }

    // hidepid only hides processes from readers without CAP_SYS_PTRACE-level access; with it the
    // walk sees every process whatever the mount says.
    const bool full_privilege = has_scan_capabilities();
    const auto hidepid = full_privilege ? std::string() : current_proc_hidepid_option();
    const auto completeness = assess_completeness(scan, hidepid, full_privilege);
    Attributed attributed;
    attributed.caveat = completeness.caveat;
    attributed.sockets.reserve(sockets.size());
    for (const auto& socket : sockets) {
        ObservedListener entry;
        entry.socket = socket;
        if (const auto found = scan.holders.find(socket.inode); found != scan.holders.end()) {
            entry.holders = found->second;
        }
        if (!completeness.problem.empty()) {
            entry.holders_complete = false;
            entry.attribution_problem = completeness.problem;
        } else if (entry.holders.empty()) {
            entry.attribution_problem =
                "no process holds the socket (a kernel socket, or its holder exited during the "
                "scan)";
        }
        attributed.sockets.push_back(std::move(entry));
    }
    return attributed;
}

void LinuxInventory::find_occupants(const InventoryQuery& query, Observation& observation) {
    if (!query.want_tcp) {
        return;
    }
    std::vector<DiagSocket> found;
    if (choice_ == ListenerSourceChoice::proc) {
        observation.notes.push_back(
            "--listener-source proc: what occupies a port nobody listens on is not looked for "
            "(netlink sock_diag lists it)");
        return;
    }
    try {
        for (const auto family : {Family::ipv4, Family::ipv6}) {
            auto sockets = netlink_->list_occupants(family, query.tcp_ports);
            found.insert(found.end(), std::make_move_iterator(sockets.begin()),
                         std::make_move_iterator(sockets.end()));
        }
    } catch (const ListenerSourceError& error) {
        observation.notes.push_back(fmt::format(
            "what occupies a port nobody listens on could not be listed: {}", error.what()));
        return;
    }
    if (const auto kernel = kernel_without_bound_socket_dump()) {
        observation.notes.push_back(fmt::format(
            "Linux {} does not list sockets bound to a port without listening (6.7 does): one "
            "may occupy a port that is not listening without being named",
            *kernel));
    }
    // A socket without an inode (TIME-WAIT, or closed by its process) has no holder to look for.
    std::vector<Listener> held;
    for (const auto& socket : found) {
        if (socket.local.inode != 0) {
            held.push_back(socket.local);
        }
    }
    // No walk of /proc when there is nothing a process could hold.
    auto attributed =
        held.empty() ? Attributed{} : attribute_holders(held, query.first_holder_only);
    std::size_t next_held = 0;
    for (const auto& socket : found) {
        PortOccupant occupant;
        if (socket.local.inode != 0) {
            occupant.local = std::move(attributed.sockets[next_held++]);
        } else {
            occupant.local.socket = socket.local;
            occupant.local.socket.socket_user = user_names_.name(socket.local.socket_uid);
        }
        // The kernel lists a bound-only socket as TCP_CLOSE with no other end.
        if (socket.state == TCP_CLOSE && socket.remote_port == 0) {
            occupant.kind = PortOccupant::Kind::bound_not_listening;
        } else {
            occupant.kind = PortOccupant::Kind::connection;
            occupant.remote_address = socket.remote_address;
            occupant.remote_port = socket.remote_port;
            occupant.state = connection_state(socket.state);
        }
        observation.occupants.push_back(std::move(occupant));
    }
}

EphemeralPorts LinuxInventory::ephemeral_ports() {
    EphemeralPorts ports;
    ports.reserve_setting = "net.ipv4.ip_local_reserved_ports";
    std::string text;
    if (read_file_at(AT_FDCWD, "/proc/sys/net/ipv4/ip_local_port_range", text, 64) == 0) {
        if (const auto range = parse_local_port_range(text)) {
            ports.range = *range;  // else the kernel's default, already in place
        }
    }
    // The list can be long (every port of 65536 written out); 1 MiB holds any such list.
    constexpr std::size_t max_reserved_text = 1 << 20;
    std::optional<std::vector<PortRange>> reserved;
    if (read_file_at(AT_FDCWD, "/proc/sys/net/ipv4/ip_local_reserved_ports", text,
                     max_reserved_text) == 0) {
        reserved = parse_reserved_ports(text);
    }
    ports.reserved_known = reserved.has_value();
    if (reserved) {
        ports.reserved = std::move(*reserved);
    }
    return ports;
}

}  // namespace port_owner::linux_os
