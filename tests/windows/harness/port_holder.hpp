// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "harness/child_process.hpp"

#include <windows.h>

#include <optional>
#include <string>
#include <vector>

namespace windows_tests {

// A running port holder (port_holder_windows under some name) that has bound every socket it
// was asked for, or failed at one. It holds them until it is stopped or goes out of scope.
class PortHolder {
  public:
    // `specs` as the holder reads them: tcp4:127.0.0.1:0, udp6:[::1]:0, ... Port 0 lets the
    // system choose: wine shares the host's ports, so fixed numbers could collide.
    PortHolder(const std::wstring& executable, const std::vector<std::string>& specs);

    DWORD pid() const { return child_.pid(); }
    // The ports bound, in the order of the specs.
    const std::vector<unsigned short>& ports() const { return ports_; }
    unsigned short port() const { return ports_.at(0); }
    bool holds_everything() const { return ports_.size() == spec_count_; }
    // The Windows Sockets error of the spec that failed ("failed SPEC bind 10048"), if one did.
    std::optional<int> socket_error() const { return socket_error_; }
    // Everything it printed, for failure messages.
    const std::string& transcript() const { return transcript_; }

    // Releases the ports and waits for the holder to end.
    void stop();

  private:
    ChildProcess child_;
    std::size_t spec_count_;
    std::vector<unsigned short> ports_;
    std::optional<int> socket_error_;
    std::string transcript_;
};

std::vector<std::wstring> widened(const std::vector<std::string>& texts);

}  // namespace windows_tests
