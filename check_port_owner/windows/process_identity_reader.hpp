// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/socket_model.hpp"
#include "windows/process_directory.hpp"

namespace port_owner::windows_os {

// A holder as far as it could be read: the identity, or why the process could not be examined
// (never a guess from its image name alone: any program can be called inetinfo.exe).
struct HolderReading {
    std::optional<ProcessIdentity> identity;
    std::string problem;
};

// The pid Windows gives for sockets of the kernel itself: HTTP.sys (IIS, WinRM, HttpListener
// applications), SMB, NetBT.
constexpr std::uint32_t system_pid = 4;

class ProcessIdentityReader {
  public:
    explicit ProcessIdentityReader(const ProcessDirectory& directory) : directory_(directory) {}

    // Image path (QueryFullProcessImageNameW), user and SID from the process token, parent pid,
    // image name and hosted services from the directory. `owner_since`: when the socket was
    // created (FILETIME, 0 when unknown); a process with this pid that started later is not its
    // owner (the owner exited and the pid was reused), and is never named.
    HolderReading read(std::uint32_t pid, std::uint64_t owner_since = 0);

  private:
    // DOMAIN\name for a SID string, looked up once per check.
    std::string account_name(const std::string& sid_text, void* sid);

    const ProcessDirectory& directory_;
    std::map<std::string, std::string> account_names_;
};

}  // namespace port_owner::windows_os
