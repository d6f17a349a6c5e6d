// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/socket_unit.hpp"

struct sd_bus;

namespace port_owner::linux_os {

// systemd could not be asked (no bus, access denied, a timeout, an unexpected reply): the
// message says which call failed and why.
class SystemdBusError : public std::runtime_error {
  public:
    explicit SystemdBusError(const std::string& message) : std::runtime_error(message) {}
};

// What systemd says about a service a socket unit triggers.
struct ServiceFacts {
    std::string name;
    std::string active_state;    // ActiveState: active, inactive, activating...
    std::uint32_t main_pid = 0;  // 0 when no main process runs
    // The first ExecStart= command: the program and its arguments (argv[0] included).
    std::optional<std::string> exec_path;
    std::vector<std::string> exec_argv;
    std::string user;           // User=; empty means root, unless dynamic_user
    bool dynamic_user = false;  // DynamicUser=: a uid allocated when the service starts
};

// A read-only client of systemd's D-Bus API (org.freedesktop.systemd1) over the system bus,
// through sd-bus. The authoritative answer to "which socket unit is this listener of PID 1's":
// systemd's own Listen entries, not a guess from names or cgroups.
class SystemdBus {
  public:
    // Connects to the system bus; every call then waits at most `call_timeout`.
    explicit SystemdBus(std::chrono::microseconds call_timeout);
    ~SystemdBus();
    SystemdBus(const SystemdBus&) = delete;
    SystemdBus& operator=(const SystemdBus&) = delete;

    // The active .socket units with their Listen entries, Accept= and triggers.
    std::vector<SocketUnit> active_socket_units();

    // The service's state, main process and ExecStart. A template (NAME@.service) cannot be
    // loaded itself: an instance of it is, which systemd builds from the template without
    // starting anything, and drops again when it is unused.
    ServiceFacts service(const std::string& name);

  private:
    // Until the connection is authenticated, or SystemdBusError after `timeout`.
    void wait_until_ready(std::chrono::microseconds timeout);

    sd_bus* bus_ = nullptr;
};

}  // namespace port_owner::linux_os
