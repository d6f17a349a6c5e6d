// SPDX-License-Identifier: GPL-3.0-or-later
#include "program_run.hpp"

#include "child_process.hpp"
#include "pipe.hpp"
#include "unique_fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

#include <fmt/core.h>
#include <fmt/ranges.h>

namespace integration {
namespace {

using Clock = std::chrono::steady_clock;

// Reads stdout and stderr together until both reach end of file or the deadline passes; reading
// only one at a time could deadlock once the other pipe's buffer fills. Returns false on timeout.
bool collect_output(UniqueFd& out_pipe, UniqueFd& err_pipe, std::string& out, std::string& err,
                    Clock::time_point deadline) {
    while (out_pipe.valid() || err_pipe.valid()) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0)
            return false;
        std::array<pollfd, 2> streams{pollfd{out_pipe.get(), POLLIN, 0},
                                      pollfd{err_pipe.get(), POLLIN, 0}};  // fd -1 is skipped
        const int ready = poll(streams.data(), streams.size(), static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            throw std::system_error(errno, std::generic_category(), "poll()");
        if (ready == 0)
            return false;

        const std::array<std::pair<UniqueFd*, std::string*>, 2> sinks{
            {{&out_pipe, &out}, {&err_pipe, &err}}};
        for (std::size_t i = 0; i < sinks.size(); ++i) {
            if (streams[i].revents == 0)
                continue;
            char buffer[4096];
            const ssize_t received = read(sinks[i].first->get(), buffer, sizeof buffer);
            if (received < 0 && errno == EINTR)
                continue;
            if (received <= 0) {
                sinks[i].first->reset();  // end of file (or an error: nothing more to read)
            } else {
                sinks[i].second->append(buffer, static_cast<std::size_t>(received));
            }
        }
    }
    return true;
}

}  // namespace

ProgramRun run_program(const std::filesystem::path& executable,
                       const std::vector<std::string>& arguments, std::chrono::seconds timeout,
                       const ChildOptions& options) {
    ProgramRun run{.executable = executable, .arguments = arguments};
    const auto deadline = Clock::now() + timeout;

    const UniqueFd null_device(open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!null_device.valid()) {
        throw std::system_error(errno, std::generic_category(), "open(/dev/null)");
    }
    Pipe out = make_pipe();
    Pipe err = make_pipe();
    const pid_t pid = spawn_child(executable, arguments,
                                  ChildDescriptors{.stdin_fd = null_device.get(),
                                                   .stdout_fd = out.write_end.get(),
                                                   .stderr_fd = err.write_end.get()},
                                  /*die_with_parent=*/false, options);
    out.write_end.reset();
    err.write_end.reset();

    run.timed_out = !collect_output(out.read_end, err.read_end, run.out, run.err, deadline);
    int status = 0;
    if (run.timed_out) {
        status = kill_and_reap(pid);
    } else {
        // Output closed; the process may still be running (e.g. it closed stdout early).
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        const auto ended = wait_for_exit(pid, std::max(left, std::chrono::milliseconds(0)));
        run.timed_out = !ended;
        status = ended ? *ended : kill_and_reap(pid);
    }
    if (WIFEXITED(status))
        run.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        run.signal = WTERMSIG(status);
    return run;
}

std::string describe(const ProgramRun& run) {
    const std::string ending = run.timed_out   ? "timed out, killed"
                               : run.exit_code ? fmt::format("exit code {}", *run.exit_code)
                               : run.signal    ? fmt::format("killed by signal {}", *run.signal)
                                               : "unknown ending";
    return fmt::format("\n  command: {} {}\n  ended: {}\n  stdout:\n{}\n  stderr:\n{}\n",
                       run.executable.filename().string(), fmt::join(run.arguments, " "), ending,
                       run.out, run.err);
}

}  // namespace integration
