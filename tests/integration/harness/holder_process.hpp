// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "child_process.hpp"

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace integration {

// A program that comes to share the holder's sockets: `mode` is port_holder's heir mode
// (inherit, scm_rights, thread_table, orphaned_threads).
struct HeirOptions {
    std::string executable_name{};
    std::string mode{};
    std::filesystem::path executable{};  // filled in from executable_name by start_holder
};

struct HolderOptions {
    // File name of the port_holder copy to run: what the plugin reports as the executable.
    std::string executable_name{};
    // port_holder --socket specs, e.g. "tcp4/0.0.0.0:80", "tcp6/[::]:80,v6only=on,reuseport".
    std::vector<std::string> sockets{};
    // Process name (comm) to set, e.g. an allowed name for an impostor.
    std::optional<std::string> comm{};
    // Forked workers sharing every socket, as in a prefork server.
    unsigned workers = 0;
    // port_holder --argv-padding values: ignored text that only shows in its command line.
    std::vector<std::string> argv_padding{};
    // The user to run the holder as (default: the test's own, root). The executable and its
    // directory must be accessible to that user; ports below 1024 need root.
    std::optional<ChildIdentity> run_as{};
    // Other programs that get every socket once bound (port_holder --heir PATH:MODE); their pids
    // are among worker_pids(). PortOwnerTest::start_holder turns the names into paths.
    std::vector<HeirOptions> heirs{};
    // A command that starts the holder by exec'ing it in the same process (`unshare --mount ...
    // sh -c '... exec "$@"'`), to run it in a changed environment; the holder's path and
    // arguments follow it.
    std::vector<std::string> launcher{};
};

// A running port_holder. Construction returns only once every socket is bound (TCP: listening)
// and every worker forked, so a check run afterwards never races the holder. The destructor stops
// it; once stop() returns, none of its sockets exists any more.
class HolderProcess {
  public:
    // `stderr_log` receives the holder's stderr, quoted when it fails to start.
    // Throws std::runtime_error (with the holder's message) if it fails to start.
    HolderProcess(const std::filesystem::path& executable, const HolderOptions& options,
                  const std::filesystem::path& stderr_log);
    ~HolderProcess();

    HolderProcess(HolderProcess&& other) noexcept;
    HolderProcess& operator=(HolderProcess&& other) noexcept;
    HolderProcess(const HolderProcess&) = delete;
    HolderProcess& operator=(const HolderProcess&) = delete;

    pid_t pid() const { return pid_; }
    const std::vector<pid_t>& worker_pids() const { return worker_pids_; }

    // SIGTERM; the holder stops and reaps its workers, then exits. SIGKILL if it does not within a
    // grace period. Idempotent.
    void stop() noexcept;

  private:
    pid_t pid_ = -1;
    std::vector<pid_t> worker_pids_;
};

// The --socket ... arguments and other options of port_holder for `options`.
std::vector<std::string> holder_arguments(const HolderOptions& options);

}  // namespace integration
