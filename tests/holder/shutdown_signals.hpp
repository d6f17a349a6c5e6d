// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace port_holder {

// SIGTERM, SIGINT and SIGHUP ask the holder to stop. The master blocks them before it forks, so a
// signal that arrives while it is still starting up is kept pending instead of killing it half-way
// (its workers would then be left to PR_SET_PDEATHSIG), and is then taken by
// wait_for_shutdown_signal().
void block_shutdown_signals();

// For workers: restores the default action, so that a shutdown signal simply ends them.
void unblock_shutdown_signals();

// Returns once a shutdown signal has arrived.
void wait_for_shutdown_signal();

}  // namespace port_holder
