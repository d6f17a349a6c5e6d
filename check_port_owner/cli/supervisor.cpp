#include "cli/supervisor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>

#include <fmt/format.h>

#include "core/report.hpp"
#include "linux/privilege.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner {
namespace {

// The plugin's output is capped at 8 KiB; anything beyond this is not ours to relay.
constexpr std::size_t max_relayed_bytes = 65536;

void write_all(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const auto written = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return;
        }
        done += static_cast<std::size_t>(written);
    }
}

int timed_out(pid_t child, unsigned timeout_seconds) {
    ::kill(child, SIGKILL);
    write_all(fmt::format("PORT_OWNER UNKNOWN - timed out after {} s\n", timeout_seconds));
    return 3;
}

}  // namespace

int run_supervised(unsigned timeout_seconds, const std::function<int()>& check) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::seconds(timeout_seconds);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        write_all(format_tool_failure("internal error: cannot create a pipe"));
        return 3;
    }
    linux_os::UniqueFd read_end(pipe_fds[0]);
    linux_os::UniqueFd write_end(pipe_fds[1]);
    const pid_t child = ::fork();
    if (child < 0) {
        write_all(format_tool_failure("internal error: cannot fork"));
        return 3;
    }
    if (child == 0) {
        // If the supervisor is gone (it answered the timeout and exited), so is the check, even
        // where the supervisor, having dropped to the caller's uid, may not signal it (sudo).
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::dup2(write_end.get(), STDOUT_FILENO);
        ::dup2(write_end.get(), STDERR_FILENO);
        read_end.reset();
        write_end.reset();
        ::_exit(check());
    }
    write_end.reset();
    if (!linux_os::drop_all_privilege()) {
        ::kill(child, SIGKILL);
        write_all(format_tool_failure("internal error: cannot give up privileges"));
        return 3;
    }

    std::string output;
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
        if (output.size() < max_relayed_bytes) {
            output.append(buffer, static_cast<std::size_t>(got));
        }
    }
    // The pipe closes as the child exits; wait for its status, still within the deadline.
    int status = 0;
    while (true) {
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        if (done == child) {
            break;
        }
        if (done < 0 && errno != EINTR) {
            status = 0;
            break;
        }
        if (clock::now() >= deadline) {
            return timed_out(child, timeout_seconds);
        }
        ::usleep(1000);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) <= 3 && !output.empty()) {
        write_all(output);
        return WEXITSTATUS(status);
    }
    const auto how = WIFSIGNALED(status) ? fmt::format("killed by signal {}", WTERMSIG(status))
                                         : fmt::format("exit code {}", WEXITSTATUS(status));
    write_all(format_tool_failure(fmt::format("internal error: the check ended with {}", how)));
    return 3;
}

}  // namespace port_owner
