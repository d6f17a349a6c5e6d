// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "socket_heir.hpp"
#include "socket_spec.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace port_holder {

struct HolderConfig {
    std::vector<SocketSpec> sockets;
    std::optional<std::string> comm;
    unsigned workers = 0;
    std::optional<int> ready_fd;
    std::optional<std::string> ready_file;
    // Ignored text that only lengthens the command line (/proc/PID/cmdline), e.g. hostile bytes.
    std::vector<std::string> argv_padding;
    // Other programs that get the sockets once they are bound (--heir PATH:MODE).
    std::vector<HeirSpec> heirs;
    // Set when this process is itself an heir (--adopt MODE): it opens no socket of its own.
    std::optional<HeirMode> adopt;
    std::vector<int> adopt_fds;
    unsigned adopt_count = 0;
    bool help = false;
};

// A command line the holder cannot act on; main() reports it and exits 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Accepts `--name VALUE` and `--name=VALUE`. Throws UsageError.
HolderConfig parse_command_line(int argc, const char* const* argv);

extern const char* const kUsage;

}  // namespace port_holder
