// SPDX-License-Identifier: GPL-3.0-or-later
#include "child_process.hpp"

#include "pipe.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <system_error>

#include <fmt/core.h>

namespace integration {
namespace {

// Only async-signal-safe calls from here on: the parent may have other threads.
void install_descriptor(int source, int target) {
    if (source == target) {
        fcntl(target, F_SETFD, 0);  // dup2 would keep close-on-exec set
    } else {
        dup2(source, target);
    }
}

[[noreturn]] void fail_in_child(int exec_error_fd) {
    const int error = errno;
    [[maybe_unused]] const ssize_t ignored = write(exec_error_fd, &error, sizeof error);
    _exit(127);
}

// The inherited state of ChildOptions, in the child; false (errno set) when a step failed.
bool hand_over_oddities(const ChildOptions& options, const sigset_t& blocked) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    for (const int signal_number : options.ignored_signals) {
        if (sigaction(signal_number, &ignore, nullptr) != 0)
            return false;
    }
    for (const int fd : options.closed_descriptors)
        close(fd);
    for (const auto& limit : options.resource_limits) {
        const rlimit value{limit.soft, limit.hard};
        if (setrlimit(limit.resource, &value) != 0)
            return false;
    }
    return sigprocmask(SIG_BLOCK, &blocked, nullptr) == 0;
}

[[noreturn]] void exec_in_child(const char* executable, char* const* argv, char* const* envp,
                                const ChildDescriptors& descriptors, bool die_with_parent,
                                const ChildOptions& options, const sigset_t& blocked, pid_t parent,
                                int exec_error_fd) {
    const auto& run_as = options.run_as;
    // Before PR_SET_PDEATHSIG: a change of credentials clears the parent-death signal.
    if (run_as) {
        if (setgroups(0, nullptr) != 0 || setresgid(run_as->gid, run_as->gid, run_as->gid) != 0 ||
            setresuid(run_as->uid, run_as->uid, run_as->uid) != 0) {
            fail_in_child(exec_error_fd);
        }
    }
    if (die_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);  // the parent died before prctl took effect
    }
    install_descriptor(descriptors.stdin_fd, STDIN_FILENO);
    install_descriptor(descriptors.stdout_fd, STDOUT_FILENO);
    install_descriptor(descriptors.stderr_fd, STDERR_FILENO);
    unsigned first_private_fd = 3;
    if (descriptors.fd3) {
        install_descriptor(*descriptors.fd3, 3);
        first_private_fd = 4;
    }
    // Whatever else is open (the parent's pipes, other tests' files) must not reach the child.
    // Close-on-exec rather than close: exec_error_fd must survive until execv.
    close_range(first_private_fd, ~0U, CLOSE_RANGE_CLOEXEC);
    if (!hand_over_oddities(options, blocked))
        fail_in_child(exec_error_fd);

    execve(executable, argv, envp);
    fail_in_child(exec_error_fd);
}

// The parent's environment with `changes` applied, as "NAME=value" strings.
std::vector<std::string> child_environment(
    const std::map<std::string, std::optional<std::string>>& changes) {
    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        if (!changes.contains(std::string(text.substr(0, text.find('=')))))
            environment.emplace_back(text);
    }
    for (const auto& [name, value] : changes) {
        if (value)
            environment.push_back(name + "=" + *value);
    }
    return environment;
}

}  // namespace

pid_t spawn_child(const std::filesystem::path& executable,
                  const std::vector<std::string>& arguments, const ChildDescriptors& descriptors,
                  bool die_with_parent, const ChildOptions& options) {
    // Built before fork: the child may not allocate.
    const std::string executable_text = executable.string();
    std::vector<std::string> argv_storage{executable_text};
    argv_storage.insert(argv_storage.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& argument : argv_storage)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<std::string> environment_storage = child_environment(options.environment);
    std::vector<char*> envp;
    for (auto& variable : environment_storage)
        envp.push_back(variable.data());
    envp.push_back(nullptr);

    sigset_t blocked;
    sigemptyset(&blocked);
    for (const int signal_number : options.blocked_signals)
        sigaddset(&blocked, signal_number);

    // Tells the parent why execv failed; end of file without data means it succeeded.
    Pipe exec_error = make_pipe();
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0)
        throw std::system_error(errno, std::generic_category(), "fork()");
    if (pid == 0) {
        exec_in_child(executable_text.c_str(), argv.data(), envp.data(), descriptors,
                      die_with_parent, options, blocked, parent, exec_error.write_end.get());
    }
    exec_error.write_end.reset();

    int exec_errno = 0;
    ssize_t received;
    do {
        received = read(exec_error.read_end.get(), &exec_errno, sizeof exec_errno);
    } while (received < 0 && errno == EINTR);
    if (received > 0) {
        waitpid(pid, nullptr, 0);
        throw std::system_error(exec_errno, std::generic_category(),
                                options.run_as ? fmt::format("setresuid({})/execv({})",
                                                             options.run_as->uid, executable_text)
                                               : "execv(" + executable_text + ")");
    }
    return pid;
}

std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
    // The raw syscall: glibc 2.36's <sys/pidfd.h> lacks extern "C" and does not link from C++.
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (pidfd >= 0) {
        // Readable once the process has ended.
        pollfd exited{pidfd, POLLIN, 0};
        int ready;
        do {
            ready = poll(&exited, 1, static_cast<int>(timeout.count()));
        } while (ready < 0 && errno == EINTR);
        close(pidfd);
        if (ready == 0)
            return std::nullopt;
    }
    // It has ended. (Without pidfd support, which every kernel since 5.3 has, this waits
    // unbounded.)
    int status = 0;
    pid_t reaped;
    do {
        reaped = waitpid(pid, &status, 0);
    } while (reaped < 0 && errno == EINTR);
    if (reaped < 0)
        throw std::system_error(errno, std::generic_category(), "waitpid()");
    return status;
}

int kill_and_reap(pid_t pid) {
    kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status))
        return fmt::format("exit code {}", WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        return fmt::format("killed by signal {} ({})", WTERMSIG(status),
                           strsignal(WTERMSIG(status)));
    }
    return fmt::format("wait status {:#x}", status);
}

}  // namespace integration
