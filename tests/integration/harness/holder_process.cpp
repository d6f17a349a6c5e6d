// SPDX-License-Identifier: GPL-3.0-or-later
#include "holder_process.hpp"

#include "child_process.hpp"
#include "pipe.hpp"
#include "unique_fd.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fmt/core.h>
#include <fmt/ranges.h>

namespace integration {
namespace {

using namespace std::chrono_literals;

// Generous: binding a few sockets takes microseconds, but CI machines can be slow and loaded.
constexpr auto kReadinessTimeout = 20s;
constexpr auto kStopGracePeriod = 10s;

UniqueFd open_or_throw(const std::filesystem::path& path, int flags) {
    UniqueFd fd(open(path.c_str(), flags | O_CLOEXEC, 0644));
    if (!fd.valid()) {
        throw std::system_error(errno, std::generic_category(), "open(" + path.string() + ")");
    }
    return fd;
}

// Reads the holder's readiness line: everything up to the first newline, or up to end of file if
// the holder exits first. Empty if nothing came before the deadline.
std::string read_readiness_line(int fd) {
    const auto deadline = std::chrono::steady_clock::now() + kReadinessTimeout;
    std::string line;
    while (!line.ends_with('\n')) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms)
            break;
        pollfd readable{fd, POLLIN, 0};
        const int ready = poll(&readable, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        char buffer[256];
        const ssize_t received = read(fd, buffer, sizeof buffer);
        if (received < 0 && errno == EINTR)
            continue;
        if (received <= 0)
            break;
        line.append(buffer, static_cast<std::size_t>(received));
    }
    return line;
}

// "ready MASTER [WORKER]...\n" -> the worker pids; nothing if the line is not a readiness line
// from `master`.
std::optional<std::vector<pid_t>> parse_readiness_line(const std::string& line, pid_t master) {
    std::istringstream words(line);
    std::string ready;
    pid_t announced_master = 0;
    if (!(words >> ready >> announced_master) || ready != "ready" || announced_master != master) {
        return std::nullopt;
    }
    std::vector<pid_t> workers;
    for (pid_t worker = 0; words >> worker;)
        workers.push_back(worker);
    return workers;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream stream(path);
    return std::string(std::istreambuf_iterator<char>(stream), {});
}

}  // namespace

std::vector<std::string> holder_arguments(const HolderOptions& options) {
    std::vector<std::string> arguments;
    for (const auto& socket : options.sockets) {
        arguments.insert(arguments.end(), {"--socket", socket});
    }
    if (options.comm)
        arguments.insert(arguments.end(), {"--comm", *options.comm});
    if (options.workers > 0) {
        arguments.insert(arguments.end(), {"--workers", std::to_string(options.workers)});
    }
    for (const auto& padding : options.argv_padding) {
        arguments.insert(arguments.end(), {"--argv-padding", padding});
    }
    for (const auto& heir : options.heirs) {
        arguments.insert(arguments.end(),
                         {"--heir", fmt::format("{}:{}", heir.executable.string(), heir.mode)});
    }
    return arguments;
}

HolderProcess::HolderProcess(const std::filesystem::path& executable, const HolderOptions& options,
                             const std::filesystem::path& stderr_log) {
    const UniqueFd null_device = open_or_throw("/dev/null", O_RDWR);
    const UniqueFd log = open_or_throw(stderr_log, O_WRONLY | O_CREAT | O_TRUNC);
    Pipe readiness = make_pipe();

    std::vector<std::string> arguments = holder_arguments(options);
    arguments.insert(arguments.end(), {"--ready-fd", "3"});
    std::filesystem::path program = executable;
    if (!options.launcher.empty()) {
        arguments.insert(arguments.begin(), executable.string());
        arguments.insert(arguments.begin(), options.launcher.begin() + 1, options.launcher.end());
        program = options.launcher.front();
    }
    pid_ = spawn_child(program, arguments,
                       ChildDescriptors{.stdin_fd = null_device.get(),
                                        .stdout_fd = null_device.get(),
                                        .stderr_fd = log.get(),
                                        .fd3 = readiness.write_end.get()},
                       /*die_with_parent=*/true, ChildOptions{.run_as = options.run_as});
    // Only the holder may keep the write end, so that its exit gives us end of file.
    readiness.write_end.reset();

    const std::string line = read_readiness_line(readiness.read_end.get());
    if (auto workers = parse_readiness_line(line, pid_)) {
        worker_pids_ = std::move(*workers);
        return;
    }

    const auto status = wait_for_exit(pid_, 1s);
    const std::string how_it_ended =
        status ? describe_wait_status(*status)
               : "still running, killed: " + describe_wait_status(kill_and_reap(pid_));
    pid_ = -1;
    throw std::runtime_error(
        fmt::format("holder {} {} did not become ready ({}); readiness line '{}'; its stderr: {}",
                    executable.filename().string(), fmt::join(holder_arguments(options), " "),
                    how_it_ended, line, read_file(stderr_log)));
}

HolderProcess::~HolderProcess() {
    stop();
}

HolderProcess::HolderProcess(HolderProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), worker_pids_(std::move(other.worker_pids_)) {}

HolderProcess& HolderProcess::operator=(HolderProcess&& other) noexcept {
    if (this != &other) {
        stop();
        pid_ = std::exchange(other.pid_, -1);
        worker_pids_ = std::move(other.worker_pids_);
    }
    return *this;
}

void HolderProcess::stop() noexcept {
    if (pid_ < 0)
        return;
    kill(pid_, SIGTERM);
    try {
        if (!wait_for_exit(pid_, kStopGracePeriod))
            kill_and_reap(pid_);
    } catch (const std::exception&) {
        kill_and_reap(pid_);  // cannot wait with a timeout; make sure it is gone anyway
    }
    pid_ = -1;
    worker_pids_.clear();
}

}  // namespace integration
