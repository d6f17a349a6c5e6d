// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/types.h>

#include <optional>
#include <vector>

namespace port_holder {

// Prefork-style workers: children forked after the sockets are bound, so that they share every
// socket with the master, as the workers of nginx or apache2 do. They only wait; they end on a
// shutdown signal or when the master dies (PR_SET_PDEATHSIG).
class WorkerPool {
  public:
    // Forks `count` workers. `readiness_fd`, when set, is closed in the workers: readiness is the
    // master's to announce.
    WorkerPool(unsigned count, std::optional<int> readiness_fd);
    ~WorkerPool();

    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    const std::vector<pid_t>& pids() const { return pids_; }

    // Sends SIGTERM to every worker and reaps them all.
    void stop();

  private:
    std::vector<pid_t> pids_;
};

}  // namespace port_holder
