#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip_address.hpp"

namespace port_owner {

enum class Transport { tcp, udp };

std::string_view transport_name(Transport transport);

// A listening socket as the kernel reports it: TCP in LISTEN, or a bound UDP socket (connected or
// not: a connected one sharing the port receives its peer's datagrams ahead of the server).
struct Listener {
    Transport transport = Transport::tcp;
    IpAddress address;
    std::uint16_t port = 0;
    // For IPv6 sockets: IPV6_V6ONLY. A wildcard IPv6 listener without it serves IPv4 too.
    bool v6only = false;
    std::uint64_t inode = 0;
    // The kernel's socket owner (fsuid at socket() time), visible without privilege.
    std::uint32_t socket_uid = 0;
    std::string socket_user;  // name of socket_uid, or the number when it has no name

    bool serves(Family family) const;
};

// Who a holder process is. Every string here is controlled by whoever started the process, so it
// is escaped before it reaches the output.
struct ProcessIdentity {
    int pid = 0;
    int parent_pid = 0;
    std::string comm;
    // Real path of /proc/PID/exe; nullopt when it could not be read (then NAME entries fall back to
    // comm, and the output says so).
    std::optional<std::string> executable;
    bool executable_deleted = false;
    std::uint32_t uid = 0;  // effective uid
    std::string user;       // name of uid, or the number
    std::string command_line;
    std::string unit;  // systemd unit from the cgroup path, empty when none

    // The name an admin knows the process by: the executable's basename, else comm.
    std::string display_name() const;
};

// A listener with what the inventory learned about who holds it.
struct ObservedListener {
    Listener socket;
    std::vector<ProcessIdentity> holders;
    // True when every process that might hold the socket was examined. False when --all-holders
    // was asked but some processes could not be read (no privilege, hidepid), so a holder may have
    // been missed; the verdict still rests on the identified holders and the output says so.
    bool holders_complete = true;
    // Why no holder (or not every holder) could be identified; empty when nothing is in doubt.
    std::string attribution_problem;
};

}  // namespace port_owner
