// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

#include "core/answer_agreement.hpp"

namespace port_owner {

// Runs `check` in a child process whose stdout and stderr are a pipe to this one, and relays
// its output. Why a process and not alarm(): a read of /proc can sleep uninterruptibly, and then
// no signal handler runs; the supervisor still answers `PORT_OWNER UNKNOWN - timed out after N s`
// (exit 3) on time, kills the child, and exits, so the engine is never kept waiting. It is also the
// last line of defence for the exit code: it relays the child's output and exit code only when they
// agree (see answer_disagreement); a crash of the check, an exit status the kernel did not keep
// (SIGCHLD ignored), or an exit code that contradicts line 1 become an UNKNOWN line saying so.
// When the answer cannot be written (stdout full, a closed pipe) the exit code is 3: nobody can
// read the verdict it would claim. The supervisor gives up every privilege right after the fork: it
// only relays bytes.
int run_supervised(unsigned timeout_seconds, ExpectedOutput expected,
                   const std::function<int()>& check);

}  // namespace port_owner
