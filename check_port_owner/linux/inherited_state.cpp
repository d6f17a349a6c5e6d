// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/inherited_state.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

namespace port_owner::linux_os {
namespace {

constexpr rlim_t kibibyte = 1024;
constexpr rlim_t mebibyte = 1024 * kibibyte;

// Open files: the standard three, the netlink socket, /proc, and for each of up to four scanning
// threads the process's fd directory, its /proc/PID directory and a file being read; the user
// database and /proc/net add a few more for a moment. 32 leaves room to spare; 1024 is what most
// systems give by default.
constexpr rlim_t descriptors_needed = 32;
constexpr rlim_t descriptors_wanted = 1024;

// The check recurses nowhere deep (RE2 matches without recursion); 256 KiB is many times what a
// check uses. 8 MiB is the usual default.
constexpr rlim_t stack_needed = 256 * kibibyte;
constexpr rlim_t stack_wanted = 8 * mebibyte;

// Raises the soft limit of `resource` to `wanted`, or to the hard limit when that is lower; never
// lowers it. Returns the soft limit in force afterwards, and the hard limit.
std::pair<rlim_t, rlim_t> raise_soft_limit(int resource, rlim_t wanted) {
    rlimit limit{};
    if (::getrlimit(resource, &limit) != 0) {
        return {RLIM_INFINITY, RLIM_INFINITY};  // nothing known, nothing to complain about
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        rlimit raised = limit;
        raised.rlim_cur =
            limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
        if (::setrlimit(resource, &raised) == 0) {
            limit = raised;
        }
    }
    return {limit.rlim_cur, limit.rlim_max};
}

std::string describe_limit(rlim_t value, rlim_t unit, const char* unit_name) {
    return value == RLIM_INFINITY ? std::string("unlimited")
                                  : fmt::format("{}{}", value / unit, unit_name);
}

// glibc sized the default thread stack from RLIMIT_STACK before main(); give threads the raised
// size too (capped at what is wanted), or a small inherited limit would still apply to them.
void size_thread_stacks(rlim_t stack_limit) {
    const auto wanted = static_cast<std::size_t>(std::min(stack_limit, stack_wanted));
    pthread_attr_t attributes;
    if (::pthread_getattr_default_np(&attributes) != 0) {
        return;
    }
    std::size_t size = 0;
    if (::pthread_attr_getstacksize(&attributes, &size) == 0 && size < wanted &&
        ::pthread_attr_setstacksize(&attributes, wanted) == 0) {
        ::pthread_setattr_default_np(&attributes);
    }
    ::pthread_attr_destroy(&attributes);
}

}  // namespace

void normalise_descriptors() {
    for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; ++fd) {
        if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            // open() returns the lowest free number, which is `fd`: those below it are open.
            ::open("/dev/null", O_RDWR | O_NOCTTY);
        }
    }
    if (::close_range(STDERR_FILENO + 1, ~0U, 0) != 0) {
        rlimit limit{};
        const rlim_t last = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? limit.rlim_cur : 1024;
        for (rlim_t fd = STDERR_FILENO + 1; fd < std::min<rlim_t>(last, 1 << 20); ++fd) {
            ::close(static_cast<int>(fd));
        }
    }
}

void reset_signals() {
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
        struct sigaction current {};
        if (::sigaction(signal_number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) {
            struct sigaction default_action {};
            default_action.sa_handler = SIG_DFL;
            ::sigaction(signal_number, &default_action, nullptr);
        }
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, nullptr);
}

std::optional<std::string> raise_resource_limits() {
    const auto [descriptors, descriptors_hard] =
        raise_soft_limit(RLIMIT_NOFILE, descriptors_wanted);
    if (descriptors < descriptors_needed) {
        return fmt::format(
            "the open-file limit is {} (RLIMIT_NOFILE, hard limit {}); the check needs at least "
            "{} to walk /proc",
            descriptors, describe_limit(descriptors_hard, 1, ""), descriptors_needed);
    }
    const auto [stack, stack_hard] = raise_soft_limit(RLIMIT_STACK, stack_wanted);
    size_thread_stacks(stack);
    if (stack < stack_needed) {
        return fmt::format(
            "the stack limit is {} (RLIMIT_STACK, hard limit {}); the check needs at least {}",
            describe_limit(stack, kibibyte, " KiB"), describe_limit(stack_hard, kibibyte, " KiB"),
            describe_limit(stack_needed, kibibyte, " KiB"));
    }
    return std::nullopt;
}

}  // namespace port_owner::linux_os
