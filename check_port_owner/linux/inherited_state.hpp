// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>

namespace port_owner::linux_os {

// What a scheduler hands a program at exec, put into the state the check relies on. collectd's
// exec plugin starts its children with SIGCHLD ignored (the kernel then discards their exit
// status); a cron-like wrapper may close stdin, stdout or stderr, leak descriptors, or lower the
// resource limits. Call these first thing in main(), in this order.

// Fds 0, 1 and 2 are open (on /dev/null when they were closed), so that no descriptor opened later
// takes their number and receives the output; every other inherited descriptor is closed: none is
// ours to use, a leaked listening socket would make this process one of its holders, and each
// counts against the open-file limit.
void normalise_descriptors();

// Signals left ignored (SIG_IGN survives exec) go back to their default action and the signal
// mask is emptied; then SIGPIPE is ignored, so that a write to a closed pipe fails with EPIPE,
// which the writer handles, instead of killing the process.
void reset_signals();

// Raises the soft RLIMIT_NOFILE and RLIMIT_STACK toward their hard limits (the /proc walk holds
// several directories open per thread; the stack of the main thread grows up to the current soft
// limit, and threads get their size from it). Returns why the check cannot run when a hard limit
// leaves less than it needs, nullopt otherwise.
std::optional<std::string> raise_resource_limits();

}  // namespace port_owner::linux_os
