#include "linux/linux_inventory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

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

std::string missing_holder_reason(const HolderScanResult& scan, const std::string& hidepid) {
    if (!hidepid.empty()) {
        // Hidden processes are not even listed, so the unreadable count says nothing.
        return fmt::format(
            "/proc is mounted with hidepid={}: other users' processes may be "
            "hidden; {}",
            hidepid, privilege_remedy);
    }
    if (scan.unreadable_processes > 0) {
        return fmt::format(
            "{} {} not be examined (permission denied); {}", scan.unreadable_processes,
            scan.unreadable_processes == 1 ? "process could" : "processes could", privilege_remedy);
    }
    return "no process holds the socket (a kernel socket, or its holder exited during the scan)";
}

}  // namespace

LinuxInventory::LinuxInventory(ListenerSourceChoice choice)
    : choice_(choice),
      netlink_(std::make_unique<SockDiagSource>()),
      proc_net_(std::make_unique<ProcNetSource>()) {}

LinuxInventory::~LinuxInventory() = default;

std::vector<Listener> LinuxInventory::list_listeners(Transport transport,
                                                     const std::vector<PortRange>& ports) {
    std::vector<Listener> listeners;
    for (const auto family : {Family::ipv4, Family::ipv6}) {
        std::vector<Listener> found;
        if (choice_ == ListenerSourceChoice::proc) {
            found = proc_net_->list(transport, family, ports);
        } else {
            try {
                found = netlink_->list(transport, family, ports);
            } catch (const ListenerSourceError&) {
                if (choice_ == ListenerSourceChoice::netlink) {
                    throw;
                }
                found = proc_net_->list(transport, family, ports);
            }
        }
        listeners.insert(listeners.end(), found.begin(), found.end());
    }
    return listeners;
}

std::vector<ObservedListener> LinuxInventory::observe(const InventoryQuery& query) {
    std::vector<Listener> listeners;
    try {
        if (query.want_tcp) {
            listeners = list_listeners(Transport::tcp, query.tcp_ports);
        }
        if (query.want_udp) {
            auto udp = list_listeners(Transport::udp, query.udp_ports);
            listeners.insert(listeners.end(), udp.begin(), udp.end());
        }
    } catch (const ListenerSourceError& error) {
        throw InventoryError(error.what());
    }

    HolderScanRequest request;
    request.all_holders = query.all_holders;
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

    // hidepid only hides processes from readers without CAP_SYS_PTRACE-level access; as root the
    // walk is complete whatever the mount says.
    const auto hidepid =
        ::geteuid() == 0 || has_scan_capabilities() ? std::string() : current_proc_hidepid_option();
    const bool some_hidden = !hidepid.empty() || scan.unreadable_processes > 0;
    std::vector<ObservedListener> observed;
    observed.reserve(listeners.size());
    for (const auto& listener : listeners) {
        ObservedListener entry;
        entry.socket = listener;
        if (const auto found = scan.holders.find(listener.inode); found != scan.holders.end()) {
            entry.holders = found->second;
        }
        if (entry.holders.empty()) {
            entry.attribution_problem = missing_holder_reason(scan, hidepid);
        } else if (query.all_holders && some_hidden) {
            // Asked for every holder, but some processes could not be read.
            entry.holders_complete = false;
            entry.attribution_problem = missing_holder_reason(scan, hidepid);
        }
        observed.push_back(std::move(entry));
    }
    return observed;
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
