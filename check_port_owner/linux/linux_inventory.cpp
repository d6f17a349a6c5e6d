// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/linux_inventory.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "linux/file_reading.hpp"
#include "linux/holder_scan.hpp"
#include "linux/privilege.hpp"
#include "linux/proc_hidepid.hpp"
#include "linux/proc_net_source.hpp"
#include "linux/sock_diag_source.hpp"

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

    HolderScanRequest request;
    request.first_holder_only = query.first_holder_only;
    request.sockets.reserve(listeners.size());
    for (auto& listener : listeners) {
        listener.socket_user = user_names_.name(listener.socket_uid);
        request.sockets.push_back({listener.inode, listener.socket_uid});
    }
    // The capabilities (if the package granted them) are effective for this walk only.
    raise_scan_capabilities();
    auto scan = scan_holders(request);
    lower_scan_capabilities();
    for (auto& [inode, holders] : scan.holders) {
        for (auto& holder : holders) {
            holder.user = user_names_.name(holder.uid);
        }
    }
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

    // hidepid only hides processes from readers without CAP_SYS_PTRACE-level access; with it the
    // walk sees every process whatever the mount says.
    const bool full_privilege = has_scan_capabilities();
    const auto hidepid = full_privilege ? std::string() : current_proc_hidepid_option();
    const auto completeness = assess_completeness(scan, hidepid, full_privilege);
    if (!completeness.caveat.empty()) {
        observation.details.push_back(completeness.caveat);
    }
    observation.listeners.reserve(listeners.size());
    for (const auto& listener : listeners) {
        ObservedListener entry;
        entry.socket = listener;
        if (const auto found = scan.holders.find(listener.inode); found != scan.holders.end()) {
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
        observation.listeners.push_back(std::move(entry));
    }
    return observation;
}

PortRange LinuxInventory::ephemeral_ports() {
    std::string text;
    unsigned low = 0;
    unsigned high = 0;
    if (read_file_at(AT_FDCWD, "/proc/sys/net/ipv4/ip_local_port_range", text, 64) == 0 &&
        std::sscanf(text.c_str(), "%u %u", &low, &high) == 2 && low <= high && high <= 65535) {
        return {static_cast<std::uint16_t>(low), static_cast<std::uint16_t>(high)};
    }
    return {32768, 60999};  // the kernel's default
}

}  // namespace port_owner::linux_os
