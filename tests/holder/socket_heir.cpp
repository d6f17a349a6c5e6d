// SPDX-License-Identifier: GPL-3.0-or-later
#include "socket_heir.hpp"

#include "readiness.hpp"
#include "shutdown_signals.hpp"

#include <fcntl.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fmt/core.h>

namespace port_holder {
namespace {

struct NamedMode {
    std::string_view name;
    HeirMode mode;
};

constexpr NamedMode kModes[] = {
    {"inherit", HeirMode::inherit},           {"scm_rights", HeirMode::scm_rights},
    {"thread_table", HeirMode::thread_table}, {"orphaned_threads", HeirMode::orphaned_threads},
    {"io_uring", HeirMode::io_uring},
};

[[noreturn]] void throw_errno(const char* what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void keep_across_exec(int fd) {
    if (fcntl(fd, F_SETFD, 0) != 0)
        _exit(127);
}

std::string join_fds(const std::vector<int>& fds) {
    std::string text;
    for (const int fd : fds) {
        if (!text.empty()) {
            text += ',';
        }
        text += std::to_string(fd);
    }
    return text;
}

void send_sockets(int channel, const std::vector<int>& sockets) {
    char byte = 'S';
    iovec payload{&byte, 1};
    std::vector<char> control(CMSG_SPACE(sizeof(int) * sockets.size()));
    msghdr message{};
    message.msg_iov = &payload;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * sockets.size());
    std::memcpy(CMSG_DATA(header), sockets.data(), sizeof(int) * sockets.size());
    if (sendmsg(channel, &message, 0) != 1)
        throw_errno("sendmsg(SCM_RIGHTS)");
}

std::vector<int> receive_sockets(int channel, unsigned count) {
    char byte = 0;
    iovec payload{&byte, 1};
    std::vector<char> control(CMSG_SPACE(sizeof(int) * count));
    msghdr message{};
    message.msg_iov = &payload;
    message.msg_iovlen = 1;
    message.msg_control = control.data();
    message.msg_controllen = control.size();
    if (recvmsg(channel, &message, MSG_CMSG_CLOEXEC) != 1)
        throw_errno("recvmsg(SCM_RIGHTS)");
    const cmsghdr* header = CMSG_FIRSTHDR(&message);
    if (header == nullptr || header->cmsg_type != SCM_RIGHTS ||
        header->cmsg_len != CMSG_LEN(sizeof(int) * count)) {
        throw std::runtime_error("no sockets came over SCM_RIGHTS");
    }
    std::vector<int> sockets(count);
    std::memcpy(sockets.data(), CMSG_DATA(header), sizeof(int) * count);
    return sockets;
}

std::string read_line(int fd) {
    std::string line;
    char c = 0;
    while (true) {
        const ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0 || c == '\n')
            return line;
        line += c;
    }
}

// Moves the sockets into a thread's own fd table: the thread copies the table, then the process's
// table lets them go. The thread never returns; the process ends with main().
void keep_only_in_a_thread(const std::vector<int>& sockets) {
    int moved[2];
    if (pipe2(moved, O_CLOEXEC) != 0)
        throw_errno("pipe2");
    std::thread keeper([done = moved[1]] {
        const char result = unshare(CLONE_FILES) == 0 ? 'y' : 'n';
        (void)!write(done, &result, 1);
        while (true)
            pause();
    });
    keeper.detach();
    char result = 'n';
    if (read(moved[0], &result, 1) != 1 || result != 'y')
        throw std::runtime_error("unshare(CLONE_FILES) failed in the keeper thread");
    for (const int fd : sockets) {
        close(fd);
    }
    close(moved[0]);
    close(moved[1]);
}

// Registers the sockets as fixed files of a new io_uring instance and closes their fds; the ring
// (its fd stays open until exit) is then the only thing that holds them.
void keep_only_in_an_io_uring(const std::vector<int>& sockets) {
    io_uring_params parameters{};
    const int ring = static_cast<int>(syscall(__NR_io_uring_setup, 4, &parameters));
    if (ring < 0)
        throw_errno("io_uring_setup");
    if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_FILES, sockets.data(),
                static_cast<unsigned>(sockets.size())) < 0) {
        throw_errno("io_uring_register(IORING_REGISTER_FILES)");
    }
    for (const int fd : sockets) {
        close(fd);
    }
}

}  // namespace

HeirMode parse_heir_mode(std::string_view text) {
    for (const auto& named : kModes) {
        if (named.name == text)
            return named.mode;
    }
    throw std::invalid_argument(fmt::format(
        "unknown heir mode '{}' (inherit, scm_rights, thread_table, orphaned_threads, io_uring)",
        text));
}

std::string_view heir_mode_name(HeirMode mode) {
    for (const auto& named : kModes) {
        if (named.mode == mode)
            return named.name;
    }
    return "inherit";
}

HeirSpec parse_heir_spec(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        throw std::invalid_argument(fmt::format("--heir '{}': write PATH:MODE", text));
    return {std::string(text.substr(0, colon)), parse_heir_mode(text.substr(colon + 1))};
}

pid_t start_heir(const HeirSpec& heir, const std::vector<int>& sockets) {
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0)
        throw_errno("pipe2");
    int channel[2] = {-1, -1};
    if (heir.mode == HeirMode::scm_rights &&
        socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
        throw_errno("socketpair");
    }
    std::vector<std::string> arguments{heir.executable, "--adopt",
                                       std::string(heir_mode_name(heir.mode)), "--ready-fd",
                                       std::to_string(ready[1])};
    if (heir.mode == HeirMode::scm_rights) {
        arguments.insert(arguments.end(), {"--adopt-fds", std::to_string(channel[1]),
                                           "--adopt-count", std::to_string(sockets.size())});
    } else {
        arguments.insert(arguments.end(), {"--adopt-fds", join_fds(sockets)});
    }
    std::vector<char*> argv;
    for (auto& argument : arguments) {
        argv.push_back(argument.data());
    }
    argv.push_back(nullptr);

    const pid_t child = fork();
    if (child < 0)
        throw_errno("fork");
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        keep_across_exec(ready[1]);
        if (heir.mode == HeirMode::scm_rights) {
            keep_across_exec(channel[1]);
        } else {
            for (const int fd : sockets) {
                keep_across_exec(fd);
            }
        }
        execv(heir.executable.c_str(), argv.data());
        _exit(127);
    }
    close(ready[1]);
    if (heir.mode == HeirMode::scm_rights) {
        close(channel[1]);
        send_sockets(channel[0], sockets);
        close(channel[0]);
    }
    const std::string line = read_line(ready[0]);
    close(ready[0]);
    if (!line.starts_with("ready ")) {
        throw std::runtime_error(
            fmt::format("heir {} ({}) did not become ready", heir.executable, child));
    }
    return child;
}

int run_heir(HeirMode mode, const std::vector<int>& fds, unsigned count, int ready_fd) {
    block_shutdown_signals();
    std::vector<int> sockets = fds;
    if (mode == HeirMode::scm_rights) {
        sockets = receive_sockets(fds.at(0), count);
        close(fds.at(0));
    }
    if (mode == HeirMode::thread_table) {
        keep_only_in_a_thread(sockets);
    }
    if (mode == HeirMode::io_uring) {
        keep_only_in_an_io_uring(sockets);
    }
    announce_on_fd(ready_fd, readiness_line(getpid(), {}));
    if (mode == HeirMode::orphaned_threads) {
        // The main thread leaves; the process lives on in this thread until told to stop.
        std::thread waiter([] {
            wait_for_shutdown_signal();
            _exit(0);
        });
        waiter.detach();
        pthread_exit(nullptr);
    }
    wait_for_shutdown_signal();
    return 0;
}

}  // namespace port_holder
