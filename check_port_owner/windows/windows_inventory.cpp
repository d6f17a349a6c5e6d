// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/windows_inventory.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "windows/excluded_port_ranges.hpp"
#include "windows/http_request_queues.hpp"
#include "windows/http_sys_holders.hpp"
#include "windows/netsh_runner.hpp"
#include "windows/port_reservations.hpp"
#include "windows/process_directory.hpp"
#include "windows/process_identity_reader.hpp"
#include "windows/socket_tables.hpp"

namespace port_owner::windows_os {
namespace {

// Windows reports one process per socket: the one that created it. A process that shares the
// handle (inherited, or duplicated with WSADuplicateSocket) is never listed, and no source on
// Windows lists it; the long output says so, so that "every holder" is not read into a Windows
// answer.
constexpr const char* one_owner_note =
    "Windows names one process per socket, the one that created it: a process sharing its handle "
    "is not seen";

// What every netsh run of one check may take together. netsh answers in a fraction of a second;
// a hung one is ended well before the plugin's own timeout (10 s unless -t says otherwise).
constexpr std::chrono::seconds netsh_budget{4};

// netsh runs only when needed, all within one deadline that starts at the first run.
class NetshSession {
  public:
    std::optional<std::string> run(std::initializer_list<std::wstring_view> arguments) {
        if (!deadline_) {
            deadline_ = std::chrono::steady_clock::now() + netsh_budget;
        }
        return run_netsh(arguments, *deadline_);
    }

  private:
    std::optional<std::chrono::steady_clock::time_point> deadline_;
};

bool held_by_kernel(const ObservedListener& listener) {
    return listener.holders.size() == 1 &&
           listener.holders.front().pid == static_cast<int>(system_pid);
}

// HTTP.sys also serves HTTP/3 (QUIC) on UDP, and netsh's request queues do not say which UDP
// port is whose: the kernel's UDP listeners are never taken as explained.
void leave_kernel_udp_unexplained(ObservedListener& listener) {
    listener.holders_complete = false;
    listener.attribution_problem = fmt::format(
        "the Windows kernel (System, pid 4) holds udp/{}: what it serves there (HTTP/3 for "
        "HTTP.sys, or another driver) is not looked up",
        listener.socket.port);
}

// The ranges Windows reserves that hold a required port nobody listens on, from both address
// families' tables (Windows keeps one list per protocol, but each family's command shows it).
// nullopt when netsh's answer could not be read.
std::optional<std::vector<ExcludedPortRange>> reserved_ranges(
    NetshSession& netsh, Transport transport, const std::vector<PortRange>& unserved) {
    const std::wstring_view protocol =
        transport == Transport::tcp ? L"protocol=tcp" : L"protocol=udp";
    std::vector<ExcludedPortRow> rows;
    for (const std::wstring_view family : {L"ipv4", L"ipv6"}) {
        const auto output =
            netsh.run({L"interface", family, L"show", L"excludedportrange", protocol});
        const auto parsed = output ? parse_excluded_port_ranges(*output) : std::nullopt;
        if (!parsed) {
            return std::nullopt;
        }
        rows.insert(rows.end(), parsed->begin(), parsed->end());
    }
    return reservations_holding(rows, transport, unserved);
}

}  // namespace

Observation WindowsInventory::observe(const InventoryQuery& query) {
    std::vector<OwnedListener> owned;
    if (query.want_tcp) {
        owned = list_listeners(Transport::tcp, query.tcp_ports);
    }
    if (query.want_udp) {
        auto udp = list_listeners(Transport::udp, query.udp_ports);
        owned.insert(owned.end(), std::make_move_iterator(udp.begin()),
                     std::make_move_iterator(udp.end()));
    }
    // After the tables, so that every owner is in the snapshot unless it has exited since.
    const auto directory = ProcessDirectory::read();
    ProcessIdentityReader reader(directory);
    Observation observation;
    for (auto& listener : owned) {
        ObservedListener observed;
        observed.socket = std::move(listener.socket);
        auto holder = reader.read(listener.owner_pid, listener.created);
        if (holder.identity) {
            observed.holders.push_back(std::move(*holder.identity));
        } else {
            observed.holders_complete = false;
            observed.attribution_problem = std::move(holder.problem);
        }
        observation.listeners.push_back(std::move(observed));
    }
    NetshSession netsh;
    // HTTP.sys's sockets belong to System: netsh names the processes behind their URLs. Asked
    // once, and only when the kernel holds a TCP listener.
    std::optional<std::optional<std::vector<HttpRequestQueue>>> queues;
    for (auto& observed : observation.listeners) {
        if (!held_by_kernel(observed)) {
            continue;
        }
        if (observed.socket.transport == Transport::udp) {
            leave_kernel_udp_unexplained(observed);
            continue;
        }
        if (!queues) {
            const auto output = netsh.run({L"http", L"show", L"servicestate", L"view=requestq"});
            queues = output ? parse_http_request_queues(*output) : std::nullopt;
        }
        explain_kernel_listener(observed, *queues,
                                [&](std::uint32_t pid) { return reader.read(pid); });
    }
    // "In use but nobody listens": looked up only for a required port without a listener.
    for (const auto transport : {Transport::tcp, Transport::udp}) {
        const auto unserved = ranges_without_listener(
            transport == Transport::tcp ? query.expected_tcp_ports : query.expected_udp_ports,
            observation.listeners, transport);
        if (unserved.empty()) {
            continue;
        }
        if (auto reserved = reserved_ranges(netsh, transport, unserved)) {
            observation.excluded_port_ranges.insert(observation.excluded_port_ranges.end(),
                                                    reserved->begin(), reserved->end());
        } else {
            observation.details.push_back(fmt::format(
                "netsh could not list the port ranges Windows reserves ({}): a required {} port "
                "nobody listens on may still be taken by Hyper-V, WinNAT or Docker Desktop",
                transport_name(transport), transport_name(transport)));
        }
    }
    if (!directory.services_known()) {
        observation.notes.push_back(
            "the service control manager could not be asked which services run where: "
            "service: entries cannot match");
    }
    observation.details.push_back(one_owner_note);
    return observation;
}

EphemeralPorts WindowsInventory::ephemeral_ports() {
    // Windows' default dynamic range since Vista (netsh int ipv4 show dynamicport tcp); a host
    // that changed it is told by --learn's comments, not by an API. Excluded port ranges are not
    // read, so whether a port is kept back is not known.
    EphemeralPorts ports;
    ports.range = PortRange{49152, 65535};
    ports.reserved_known = false;
    return ports;
}

}  // namespace port_owner::windows_os
