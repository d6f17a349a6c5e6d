// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace port_owner::windows_os {

// What anyone may see of every process, without opening it: one Toolhelp snapshot of image file
// names and parent pids, and the running services with the process that hosts each (service
// control manager). Taken once per check, after the socket tables.
class ProcessDirectory {
  public:
    struct Entry {
        std::uint32_t parent_pid = 0;
        std::string image_name;  // "svchost.exe": the file name only, never a path
    };

    // Reads both sources; a source that fails leaves its part empty (the holders then lack
    // that detail, and the identity says what could not be read).
    static ProcessDirectory read();

    const Entry* find(std::uint32_t pid) const;
    // Short names (W3SVC) of the services running in `pid`, sorted.
    std::vector<std::string> services_of(std::uint32_t pid) const;
    // Whether the service list could be read at all.
    bool services_known() const { return services_known_; }

  private:
    std::map<std::uint32_t, Entry> processes_;
    std::multimap<std::uint32_t, std::string> services_;
    bool services_known_ = false;
};

}  // namespace port_owner::windows_os
