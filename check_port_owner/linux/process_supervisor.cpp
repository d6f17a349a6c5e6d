// SPDX-License-Identifier: GPL-3.0-or-later
// The Linux supervisor: the check runs in a forked child (see platform::run_supervised and
// docs/decisions.md on why a process, not alarm()).
#include "platform/platform.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <string>

#include <fmt/format.h>

#include "core/report.hpp"
#include "core/state.hpp"
#include "linux/check_deadline.hpp"
#include "linux/privilege.hpp"
#include "linux/unique_fd.hpp"
#include "linux/write_all.hpp"

namespace port_owner::platform {
namespace {

// The plugin's output is capped at 8 KiB; anything beyond this is not ours to relay.
constexpr std::size_t max_relayed_bytes = 65536;

// False when not every byte could be written.
bool write_all(std::string_view text) {
    return linux_os::write_all(STDOUT_FILENO, text);
}

// Always 3: the answer is UNKNOWN whether or not the line could be written.
int answer_unknown(const std::string& reason) {
    write_all(format_tool_failure(reason));
    return exit_code(State::unknown);
}

int timed_out(pid_t child, unsigned timeout_seconds) {
    ::kill(child, SIGKILL);
    write_all(fmt::format("PORT_OWNER UNKNOWN - timed out after {} s\n", timeout_seconds));
    return exit_code(State::unknown);
}

std::string describe_fork_failure(int error) {
    rlimit processes{};
    if (error == EAGAIN && ::getrlimit(RLIMIT_NPROC, &processes) == 0 &&
        processes.rlim_cur != RLIM_INFINITY) {
        return fmt::format(
            "cannot start the check process: fork: {} (RLIMIT_NPROC, processes per user, is {})",
            std::strerror(error), processes.rlim_cur);
    }
    return fmt::format("cannot start the check process: fork: {}", std::strerror(error));
}

[[noreturn]] void run_child(int write_end, const std::function<int()>& check) {
    // If the supervisor is gone (it answered the timeout and exited), so is the check, even
    // where the supervisor, having dropped to the caller's uid, may not signal it (sudo).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::dup2(write_end, STDOUT_FILENO);
    ::dup2(write_end, STDERR_FILENO);
    ::close(write_end);
    // The check answers its own failures; this is for one while answering (out of memory). An
    // exception must not unwind into the supervisor's code, in this process.
    int code = exit_code(State::unknown);
    try {
        code = check();
    } catch (...) {
        write_all("PORT_OWNER UNKNOWN - internal error in the check process\n");
    }
    ::_exit(code);
}

int supervise(pid_t child, linux_os::UniqueFd read_end, unsigned timeout_seconds,
              ExpectedOutput expected, std::string& output) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::seconds(timeout_seconds);
    char buffer[8192];
    while (true) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) {
            return timed_out(child, timeout_seconds);
        }
        pollfd wait_for{read_end.get(), POLLIN, 0};
        const int ready = ::poll(&wait_for, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return timed_out(child, timeout_seconds);
        }
        const auto got = ::read(read_end.get(), buffer, sizeof(buffer));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break;  // the child closed its end: it is exiting
        }
        const auto room = max_relayed_bytes - output.size();
        output.append(buffer, std::min(room, static_cast<std::size_t>(got)));
    }
    // The pipe closes as the child exits; wait for its status, still within the deadline.
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child) {
            break;
        }
        if (done < 0 && errno != EINTR) {
            // The status is gone (SIGCHLD ignored makes the kernel discard it): whatever the
            // output says, nothing confirms it.
            return answer_unknown(
                fmt::format("internal error: lost the exit status of the check process ({})",
                            std::strerror(errno)));
        }
        if (clock::now() >= deadline) {
            return timed_out(child, timeout_seconds);
        }
        ::usleep(1000);
    }
    if (WIFSIGNALED(status)) {
        return answer_unknown(
            fmt::format("internal error: the check was killed by signal {}", WTERMSIG(status)));
    }
    const int child_exit_code = WEXITSTATUS(status);
    if (const auto disagreement = answer_disagreement(output, child_exit_code, expected)) {
        return answer_unknown(fmt::format("internal error: the check {}", *disagreement));
    }
    return write_all(output) ? child_exit_code : exit_code(State::unknown);
}

}  // namespace

int run_supervised(unsigned timeout_seconds, ExpectedOutput expected,
                   const std::function<int()>& check) {
    // Whatever fails from here on (memory, above all, under a low RLIMIT_AS) is answered as
    // UNKNOWN by this process, never left to std::terminate.
    try {
        std::string output;
        output.reserve(max_relayed_bytes);  // no allocation while relaying
        int pipe_fds[2];
        if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
            return answer_unknown(
                fmt::format("internal error: cannot create a pipe: {}", std::strerror(errno)));
        }
        linux_os::UniqueFd read_end(pipe_fds[0]);
        linux_os::UniqueFd write_end(pipe_fds[1]);
        // Taken before the fork: the supervisor's clock starts there too.
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
        const pid_t child = ::fork();
        if (child < 0) {
            return answer_unknown(describe_fork_failure(errno));
        }
        if (child == 0) {
            read_end.reset();
            linux_os::set_check_deadline(deadline);
            run_child(write_end.get(), check);
        }
        write_end.reset();
        if (!linux_os::drop_all_privilege()) {
            ::kill(child, SIGKILL);
            return answer_unknown("internal error: cannot give up privileges");
        }
        return supervise(child, std::move(read_end), timeout_seconds, expected, output);
    } catch (...) {
        constexpr std::string_view out_of_resources =
            "PORT_OWNER UNKNOWN - internal error: the supervisor ran out of resources\n";
        write_all(out_of_resources);
        return exit_code(State::unknown);
    }
}

}  // namespace port_owner::platform
