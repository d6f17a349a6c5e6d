// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace port_holder {

// How another program comes to share the holder's sockets, as intruders do on real hosts:
// - inherit: fork + exec with the sockets left open (a daemon that execs a helper);
// - scm_rights: passed over a Unix socket (SCM_RIGHTS), the way socket activation hands them on;
// - thread_table: inherited, then kept only in one thread's own fd table (unshare(CLONE_FILES)),
//   so /proc/PID/fd does not show them, only /proc/PID/task/TID/fd;
// - orphaned_threads: inherited, and the main thread exits while another runs on, which leaves
//   /proc/PID/fd empty;
// - io_uring: inherited, registered as fixed files of an io_uring instance, then closed: the
//   sockets are in no fd table, yet the ring can still accept on them.
enum class HeirMode { inherit, scm_rights, thread_table, orphaned_threads, io_uring };

HeirMode parse_heir_mode(std::string_view text);  // throws std::invalid_argument
std::string_view heir_mode_name(HeirMode mode);

// `--heir PATH:MODE`: the program (a copy of port_holder under another name) and how it gets the
// sockets.
struct HeirSpec {
    std::string executable;
    HeirMode mode = HeirMode::inherit;
};

HeirSpec parse_heir_spec(std::string_view text);  // throws std::invalid_argument

// The parent's side: starts the heir, hands it `sockets`, and returns its pid once it holds them.
// The heir dies with the parent (PR_SET_PDEATHSIG). Throws std::runtime_error.
pid_t start_heir(const HeirSpec& heir, const std::vector<int>& sockets);

// The heir's side (`--adopt MODE --adopt-fds FD[,FD]... [--adopt-count N]`): takes the sockets
// (for scm_rights, `fds` holds the Unix socket and `count` sockets are received over it), arranges
// them as the mode says, announces readiness on `ready_fd` and holds them until a shutdown signal.
// Returns the exit code.
int run_heir(HeirMode mode, const std::vector<int>& fds, unsigned count, int ready_fd);

}  // namespace port_holder
