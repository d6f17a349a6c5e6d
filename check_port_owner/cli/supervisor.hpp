#pragma once

#include <functional>

namespace port_owner {

// Runs `check` in a child process whose stdout and stderr are a pipe to this one, and relays
// its output. Why a process and not alarm(): a read of /proc can sleep uninterruptibly, and then
// no signal handler runs; the supervisor still answers `PORT_OWNER UNKNOWN - timed out after N s`
// (exit 3) on time, kills the child, and exits, so the engine is never kept waiting. It also
// turns a crash of the check into an UNKNOWN line instead of a core dump and no output.
// The supervisor gives up every privilege right after the fork: it only relays bytes.
int run_supervised(unsigned timeout_seconds, const std::function<int()>& check);

}  // namespace port_owner
