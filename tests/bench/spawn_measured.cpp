// SPDX-License-Identifier: GPL-3.0-or-later
// spawn_measured: runs a program and reports its wall time and peak RSS, for run_benchmark.py.
//
//   spawn_measured REPORT_FD PROGRAM [ARG]...
//
// Forks, execs PROGRAM (found through PATH) with stdin, stdout and stderr inherited, waits for it
// with wait4() and writes "STATUS MAXRSS_KIB SECONDS\n" to REPORT_FD: the raw wait status, the
// child's ru_maxrss and the wall time from just before fork() to just after wait4().
//
// Why a separate, statically linked program: ru_maxrss is a high-water mark that survives exec(),
// and a child forked from the Python interpreter starts with the interpreter's ~16 MiB resident,
// which would hide the RSS of every tool measured. Forked from this program, the floor is the
// size of this program, well under 1 MiB.
//
// Exit status: 0 when the report was written; 2 on bad arguments; 127 when fork or wait failed.

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace {

double seconds_now() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: spawn_measured REPORT_FD PROGRAM [ARG]...\n");
        return 2;
    }
    char* end = nullptr;
    const long report_fd = std::strtol(argv[1], &end, 10);
    if (*end != '\0' || report_fd < 0 || fcntl(static_cast<int>(report_fd), F_GETFD) < 0) {
        std::fprintf(stderr, "spawn_measured: bad REPORT_FD %s\n", argv[1]);
        return 2;
    }
    fcntl(static_cast<int>(report_fd), F_SETFD, FD_CLOEXEC);

    const double started = seconds_now();
    const pid_t pid = fork();
    if (pid < 0) {
        std::perror("spawn_measured: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        std::fprintf(stderr, "spawn_measured: cannot run %s\n", argv[2]);
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            std::perror("spawn_measured: wait4");
            return 127;
        }
    }
    const double seconds = seconds_now() - started;
    if (dprintf(static_cast<int>(report_fd), "%d %ld %.9f\n", status, usage.ru_maxrss, seconds) <
        0) {
        return 127;
    }
    return 0;
}
