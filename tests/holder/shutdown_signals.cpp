// SPDX-License-Identifier: GPL-3.0-or-later
#include "shutdown_signals.hpp"

#include <signal.h>

#include <cerrno>
#include <system_error>

namespace port_holder {
namespace {

sigset_t shutdown_signal_set() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    return signals;
}

}  // namespace

void block_shutdown_signals() {
    const sigset_t signals = shutdown_signal_set();
    if (sigprocmask(SIG_BLOCK, &signals, nullptr) != 0) {
        throw std::system_error(errno, std::generic_category(), "sigprocmask(SIG_BLOCK)");
    }
}

void unblock_shutdown_signals() {
    const sigset_t signals = shutdown_signal_set();
    sigprocmask(SIG_UNBLOCK, &signals, nullptr);
}

void wait_for_shutdown_signal() {
    const sigset_t signals = shutdown_signal_set();
    while (sigwaitinfo(&signals, nullptr) < 0) {
        if (errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "sigwaitinfo()");
        }
    }
}

}  // namespace port_holder
