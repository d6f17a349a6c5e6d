// SPDX-License-Identifier: GPL-3.0-or-later
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
    // False when the source could not see IPV6_V6ONLY (/proc/net): `v6only` is then only the
    // system default, and whether a `[::]` listener serves IPv4 is not known.
    bool v6only_known = true;
    std::uint64_t inode = 0;
    // The kernel's socket owner (fsuid at socket() time), visible without privilege.
    std::uint32_t socket_uid = 0;
    std::string socket_user;  // name of socket_uid, or the number when it has no name
    // False where the platform reports no socket owner (Windows): user: entries then cannot be
    // decided from the socket, and the output does not name an owner.
    bool socket_owner_known = true;
    // The cgroup the socket was created in (netlink sock_diag, Linux 5.7), 0 when not reported.
    // A hint only: for a socket systemd made for a .socket unit, that unit's cgroup.
    std::uint64_t cgroup_id = 0;

    bool serves(Family family) const;
    // Like serves(), but nullopt when the answer rests on a v6only flag the source could not see.
    std::optional<bool> surely_serves(Family family) const;
};

// Whether the running executable is the file its path names in the plugin's own mount namespace.
// A process in another mount namespace can run any file under a trusted path (a bind mount over
// /usr/sbin/nginx), so the path alone proves nothing.
enum class ExecutableFileCheck {
    same_file,       // /proc/PID/exe and the path are one file (device and inode)
    different_file,  // another file, or nothing, is at that path here (or the file was deleted)
    unknown,         // the running file or the path could not be examined
};

// The container a process runs in, from its cgroup (docker-<id>.scope, /docker/<id>,
// libpod-<id>.scope). The name comes from the engine's state on disk, which the container's
// creator chose: escaped before output like every other name.
struct ContainerIdentity {
    std::string engine;  // "docker" or "podman"
    std::string id;      // 64 lowercase hex digits
    std::string name;    // empty when the engine's state does not name it (or cannot be read)
    // True when the process's executable path was checked in the container's own root (a
    // container root made, in a mount namespace of its own): exe: then speaks of its paths.
    bool own_paths = false;
    // True when root owns the container's cgroup directory. A user with a delegated cgroup
    // subtree (any logged-in user under systemd) can make `docker-<id>.scope` with the id of
    // root's container `web` and run anything in it: such a container is only the user's word,
    // so it has no name from root's engine, and container: alone does not allow it (with a
    // user: condition in the same entry it does: that user vouches for it).
    bool made_by_root = false;
    // Who made it, when known: the owner of its cgroup directory (or the user whose Podman state
    // names it). Its name is looked for in that user's engine state.
    std::optional<std::uint32_t> made_by = std::nullopt;

    // The first 12 digits, as `docker ps` shows the id.
    std::string short_id() const { return id.substr(0, 12); }
};

struct ProcessIdentity;

// A container engine's port proxy (docker-proxy, pasta, rootlessport, rootlesskit) holds the
// host's listener; the program that serves the port runs behind it, in the container's network
// namespace. What following the proxy found.
struct ProxyForwarding {
    std::string proxy;   // which proxy: "docker-proxy", "pasta", ...
    std::string target;  // where it forwards, as it says itself: "172.17.0.2:80"
    // The processes holding the listener behind the proxy. Empty when it could not be followed.
    std::vector<ProcessIdentity> holders;
    // Why the proxy could not be followed (no privilege to enter the namespace, nothing listens
    // behind it...); empty when `holders` is the answer.
    std::string problem;
};

// Who a holder process is. Every string here is controlled by whoever started the process, so it
// is escaped before it reaches the output.
struct ProcessIdentity {
    int pid = 0;
    int parent_pid = 0;
    std::string comm;
    // Real path of /proc/PID/exe; nullopt when it could not be read (a path longer than PATH_MAX,
    // no permission, a kernel thread). Then NAME and exe: entries cannot match (comm is chosen by
    // the process, never a stand-in), and executable_problem says why.
    std::optional<std::string> executable;
    std::string executable_problem;
    bool executable_deleted = false;
    ExecutableFileCheck executable_file = ExecutableFileCheck::unknown;
    // The process runs in another mount namespace than the plugin: its paths may name other files.
    bool other_mount_namespace = false;
    std::uint32_t uid = 0;  // effective uid (Linux)
    std::string user;       // name of uid, or the number; on Windows DOMAIN\name from the token
    std::string user_sid;   // Windows: the token user's SID (S-1-5-...), empty elsewhere
    std::string command_line;
    // False when the command line could not be read: cmdline: entries are then undecidable (an
    // empty text would match a pattern like ".*").
    bool command_line_known = true;
    std::string unit;  // systemd unit from the cgroup path, empty when none
    // Windows: short names of the services this process hosts (W3SVC, WAS), from the service
    // control manager; empty elsewhere or when none.
    std::vector<std::string> services;
    // The container the process runs in (whatever its network: host networking too); nullopt
    // for a process of the host.
    std::optional<ContainerIdentity> container;
    // Set when the process is a container engine's port proxy, recognised by its executable (not
    // its name, which any process can choose): the processes behind it are the ones judged.
    std::optional<ProxyForwarding> proxy;

    // Socket activation (docs/architecture.md): systemd (PID 1) holds the listener for a
    // .socket unit. systemd confirmed the unit; the identity then stands for the service the
    // unit triggers: its running main process, or before activation the program its ExecStart
    // names, and unit: entries match the socket unit as well as the service.
    struct SocketActivation {
        std::string socket_unit;  // ssh.socket; empty when not held for a socket unit
        // False before activation: pid 1 holds the socket, and executable, user and command
        // line are those ExecStart and User= will give the service.
        bool service_running = false;
        // Non-empty when pid 1 holds the socket and systemd could not be asked for which
        // socket unit (no bus, access denied, timeout): why, and what the cgroup suggests. The
        // identity is then pid 1 itself, and a rule it does not satisfy cannot be decided.
        std::string unconfirmed;
    };
    SocketActivation activation;

    // The executable's file name where the platform splits paths otherwise than at '/' (Windows:
    // at '\' too); empty means executable_basename(*executable). Display only.
    std::string executable_name;

    // The name an admin knows the process by: the executable's file name, else comm (for display
    // only: matching never takes comm for the executable).
    std::string display_name() const;
};

// The last component of an executable path.
std::string executable_basename(const std::string& path);

// A listener with what the inventory learned about who holds it.
struct ObservedListener {
    Listener socket;
    std::vector<ProcessIdentity> holders;
    // True when every process that might hold the socket was examined. False when some could not
    // be (no privilege, hidepid, a failed read) or only the first holder was looked for: another
    // holder may have been missed, so the listener cannot be OK on its holders alone.
    bool holders_complete = true;
    // Why no holder (or not every holder) could be identified; empty when nothing is in doubt.
    std::string attribution_problem;
};

}  // namespace port_owner
