#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "core/socket_model.hpp"
#include "linux/process_identity_reader.hpp"

namespace port_owner::linux_os {

struct HolderScanResult {
    // Identified holders per socket inode.
    std::map<std::uint64_t, std::vector<ProcessIdentity>> holders;
    // Processes whose fd table we were not allowed to read: one of them may hold a socket.
    std::size_t unreadable_processes = 0;
    std::size_t scanned_processes = 0;
};

// Finds which processes hold the given socket inodes by walking /proc/PID/fd. This walk is the
// expensive part of the check (one readlinkat per open fd on the host), so the loop does no
// allocation and no stdio, uses directory-relative calls, and, unless every holder is wanted,
// stops as soon as each inode has one identified holder.
class HolderScan {
  public:
    explicit HolderScan(ProcessIdentityReader& identities) : identities_(identities) {}

    HolderScanResult run(const std::vector<std::uint64_t>& inodes, bool all_holders);

  private:
    ProcessIdentityReader& identities_;
};

// Pure: the inode in a `socket:[12345]` link target, 0 for any other target.
std::uint64_t socket_inode_from_link(std::string_view link);

}  // namespace port_owner::linux_os
