// SPDX-License-Identifier: GPL-3.0-or-later
#include "worker_pool.hpp"

#include "shutdown_signals.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace port_holder {
namespace {

[[noreturn]] void run_worker(pid_t master, std::optional<int> readiness_fd) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // The master may have died before the line above took effect; then no signal would come.
    if (getppid() != master)
        _exit(0);
    if (readiness_fd)
        close(*readiness_fd);
    unblock_shutdown_signals();
    for (;;)
        pause();
}

}  // namespace

WorkerPool::WorkerPool(unsigned count, std::optional<int> readiness_fd) {
    const pid_t master = getpid();
    for (unsigned i = 0; i < count; ++i) {
        const pid_t pid = fork();
        if (pid < 0) {
            const int error = errno;
            stop();
            throw std::system_error(error, std::generic_category(), "fork() of a worker");
        }
        if (pid == 0)
            run_worker(master, readiness_fd);
        pids_.push_back(pid);
    }
}

WorkerPool::~WorkerPool() {
    stop();
}

void WorkerPool::stop() {
    for (const pid_t pid : pids_)
        kill(pid, SIGTERM);
    for (const pid_t pid : pids_) {
        while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    pids_.clear();
}

}  // namespace port_holder
