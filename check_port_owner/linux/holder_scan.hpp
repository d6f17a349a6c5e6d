#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// A socket whose holders are wanted, with the uid the kernel gave as its owner (processes of that
// user most likely hold it).
struct WantedSocket {
    std::uint64_t inode = 0;
    std::uint32_t owner_uid = 0;
};

struct HolderScanRequest {
    std::vector<WantedSocket> sockets;
    bool all_holders = false;
};

struct HolderScanResult {
    // Identified holders per socket inode; user names are not filled in.
    std::map<std::uint64_t, std::vector<ProcessIdentity>> holders;
    // Processes whose fd table we were not allowed to read: one of them may hold a socket.
    std::size_t unreadable_processes = 0;
    std::size_t scanned_processes = 0;
};

// Finds which processes hold the given socket inodes by walking /proc/PID/fd. This walk is the
// expensive part of the check (one readlinkat per open fd on the host), so:
// - the loop does no allocation and no stdio, and uses directory-relative calls;
// - unless every holder is wanted, it stops as soon as each inode has one identified holder, and
//   visits first the processes cheapest to search and likeliest to hold one: few open fds
//   (daemons hold few and open their listeners early; busy processes with thousands of fds
//   rarely listen), with a preference for the users that own the wanted sockets; and once every
//   socket of a user has a holder, that user's remaining processes wait for a last pass;
// - the processes are shared among a few threads, since the kernel work per fd is independent.
HolderScanResult scan_holders(const HolderScanRequest& request);

// Pure: the inode in a `socket:[12345]` link target, 0 for any other target.
std::uint64_t socket_inode_from_link(std::string_view link);

}  // namespace port_owner::linux_os
