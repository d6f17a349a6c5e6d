// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/network_namespace_thread.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <thread>

#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {

int run_in_network_namespace(int namespace_fd, const std::function<void()>& work) {
    int error = 0;
    std::exception_ptr failure;
    std::thread worker([&] {
        const UniqueFd original(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
        if (!original.valid()) {
            error = errno;
            return;
        }
        if (::setns(namespace_fd, CLONE_NEWNET) != 0) {
            error = errno;
            return;
        }
        try {
            work();
        } catch (...) {
            failure = std::current_exception();
        }
        // Back where it came from; should that ever fail, the thread ends anyway and takes the
        // namespace with it (it is the only one in it).
        (void)::setns(original.get(), CLONE_NEWNET);
    });
    worker.join();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return error;
}

}  // namespace port_owner::linux_os
