// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// A socket whose holders are wanted, with the uid the kernel gave as its owner (processes of that
// user most likely hold it; only the first-holder shortcut uses that).
struct WantedSocket {
    std::uint64_t inode = 0;
    std::uint32_t owner_uid = 0;
};

struct HolderScanRequest {
    std::vector<WantedSocket> sockets;
    // The shortcut: stop at the first holder of each socket, and skip threads' own fd tables.
    // Another process sharing a socket with that first holder is then never seen.
    bool first_holder_only = false;
};

// Processes whose fd table could not be read. Any of them may hold a wanted socket.
struct UnexaminedProcesses {
    std::size_t denied = 0;  // EACCES/EPERM: no privilege over them
    std::size_t failed = 0;  // any other error (EMFILE, ENOMEM, EIO...): the scan itself failed
    int first_failure = 0;   // errno of the first failure, for the message
    std::vector<int> example_pids;  // a few of them, for the message

    std::size_t total() const { return denied + failed; }
};

struct HolderScanResult {
    // Identified holders per socket inode; user names are not filled in.
    std::map<std::uint64_t, std::vector<ProcessIdentity>> holders;
    UnexaminedProcesses unexamined;
    std::size_t scanned_processes = 0;
    std::size_t scanned_thread_tables = 0;  // threads with an fd table of their own
};

// Finds which processes hold the given socket inodes by walking /proc/PID/fd and, for threads
// whose fd table is not their process's (unshare(CLONE_FILES), or a leader that has exited),
// /proc/PID/task/TID/fd; an io_uring fd's registered files count as held too. This walk is the
// expensive part of the check (one readlinkat per open fd on the host), so:
// - the loop does no allocation and no stdio, and uses directory-relative calls;
// - a process's threads are looked at only when it has more than one, and a thread's table only
//   when kcmp(KCMP_FILES) says it is not the leader's;
// - the processes are shared among a few threads, since the kernel work per fd is independent.
// With first_holder_only it stops as soon as each inode has one identified holder, visiting first
// the processes cheapest to search and likeliest to hold one.
HolderScanResult scan_holders(const HolderScanRequest& request);

// Pure: the inode in a `socket:[12345]` link target, 0 for any other target.
std::uint64_t socket_inode_from_link(std::string_view link);

}  // namespace port_owner::linux_os
