// SPDX-License-Identifier: GPL-3.0-or-later
// busy_host: builds a synthetic busy host for the check_port_owner benchmark (tests/bench).
//
//   busy_host --dir DIR [--size small|medium|large] [--processes N] [--fds M]
//             [--filler-uids UID[,UID]...] [--ready-fd FD]
//
//   --dir DIR        working directory (created; must be empty or absent): executable copies in
//                    DIR/bin, data files in DIR/data, the manifest in DIR/manifest.json.
//   --size           small = 200 x 50, medium = 500 x 200, large = 2000 x 500 (processes x fds);
//                    --processes / --fds override either number.
//   --filler-uids    effective uids of the filler processes, round robin (default 10000: an
//                    application user that owns none of the listeners). 0 puts them under root.
//   --ready-fd FD    once every process is set up and the manifest written, write
//                    "ready DIR/manifest.json\n" to FD and close it. On failure busy_host exits 1
//                    without writing, so a reader sees end of file.
//
// Must run as root, normally inside a private network namespace (`unshare -n`, lo up), since it
// binds well-known ports. It forks N filler processes, each holding M open fds of the kinds a busy
// server has: regular files, pipes, unix socket pairs, established loopback TCP connections (both
// ends, accepted by the filler itself from a listener it then closes) and a few anonymous inodes
// (eventfd, epoll, timerfd). Among the fillers it starts the services of kServices, about 20
// listeners on the 12 port specs of kRules, at about 10% to 97% of pid order: an nginx master with
// workers that share its sockets and drop to www-data, a SO_REUSEPORT group, services under
// daemon/nobody/backup/www-data, a `named` that binds as root and then drops to bin, and an
// impostor `evil` whose comm is `nginx`. Every service runs a copy of this executable under its
// own name (DIR/bin/nginx, ...), so /proc/PID/exe tells them apart.
//
// SIGTERM, SIGINT or SIGHUP (or the death of its parent): busy_host kills every process it
// started, by pid (workers through pidfds), reaps them all (it is their subreaper) and exits 0.
//
// Internal mode, used through the copies: with BUSY_HOST_SERVICE=INDEX, BUSY_HOST_FDS=M and
// BUSY_HOST_DIR=DIR in the environment, `NAME` runs one service of kServices and reports
// "PID [WORKER_PID]...\n" on fd 3. (The environment, not arguments, so that the command line
// is just the name, as short as a real daemon's.)

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------
// The host's services and the rules of the benchmark.

struct SocketDef {
    int type;  // SOCK_STREAM or SOCK_DGRAM
    int family;
    const char* address;
    std::uint16_t port;
    bool reuseport;
};

struct ServiceDef {
    const char* name;         // executable basename, a copy of busy_host
    const char* comm;         // set with PR_SET_NAME after binding; nullptr keeps the name
    double position;          // wanted place in pid order among all the host's processes
    const char* user;         // user the service runs as
    bool bind_before_drop;    // bind as root, then drop to `user`
    unsigned own_fds;         // fds besides the listeners; 0 means as many as a filler (busy)
    unsigned workers;         // forked workers sharing every socket
    const char* worker_user;  // the workers drop to this user
    std::vector<SocketDef> sockets;
};

constexpr int kTcp = SOCK_STREAM;
constexpr int kUdp = SOCK_DGRAM;

// clang-format off
const std::vector<ServiceDef> kServices = {
    // name          comm     pos   user        bind,drop own  workers worker_user  sockets
    {"sshd",         nullptr, 0.10, "root",     false,   10,  0, nullptr,
     {{kTcp, AF_INET, "0.0.0.0", 22, false}, {kTcp, AF_INET6, "::", 22, false}}},
    {"nginx",        nullptr, 0.18, "root",     false,   32,  4, "www-data",
     {{kTcp, AF_INET, "0.0.0.0", 80, false}, {kTcp, AF_INET6, "::", 80, false},
      {kTcp, AF_INET, "0.0.0.0", 443, false}, {kTcp, AF_INET6, "::", 443, false}}},
    {"postgres",     nullptr, 0.26, "daemon",   false,   24,  0, nullptr,
     {{kTcp, AF_INET, "127.0.0.1", 5432, false}, {kTcp, AF_INET6, "::1", 5432, false}}},
    {"gunicorn",     nullptr, 0.34, "www-data", false,    0,  0, nullptr,
     {{kTcp, AF_INET, "0.0.0.0", 8000, true}}},
    {"redis-server", nullptr, 0.42, "nobody",   false,   64,  0, nullptr,
     {{kTcp, AF_INET, "127.0.0.1", 6379, false}}},
    {"exim4",        nullptr, 0.50, "root",     false,   16,  0, nullptr,
     {{kTcp, AF_INET, "0.0.0.0", 25, false}, {kTcp, AF_INET6, "::", 25, false}}},
    {"gunicorn",     nullptr, 0.58, "www-data", false,    0,  0, nullptr,
     {{kTcp, AF_INET, "0.0.0.0", 8000, true}}},
    {"mysqld",       nullptr, 0.66, "backup",   false,   48,  0, nullptr,
     {{kTcp, AF_INET, "127.0.0.1", 3306, false}}},
    {"ntpd",         nullptr, 0.74, "root",     false,   10,  0, nullptr,
     {{kUdp, AF_INET, "0.0.0.0", 123, false}, {kUdp, AF_INET6, "::", 123, false}}},
    {"named",        nullptr, 0.82, "bin",      true,    40,  0, nullptr,
     {{kUdp, AF_INET, "127.0.0.1", 53, false}, {kTcp, AF_INET, "127.0.0.1", 53, false}}},
    {"gunicorn",     nullptr, 0.89, "www-data", false,    0,  0, nullptr,
     {{kTcp, AF_INET, "0.0.0.0", 8000, true}}},
    {"evil",         "nginx", 0.97, "root",     false,    6,  0, nullptr,
     {{kTcp, AF_INET, "0.0.0.0", 8443, false}}},
};
// clang-format on

// The 12 port specs; {bin} stands for DIR/bin. tcp/8443 allows only nginx, so the impostor
// `evil` (comm nginx) makes the verdict CRITICAL while every listener still has a holder.
const std::vector<std::string> kRules = {
    "tcp/80=nginx",
    "tcp/443=nginx",
    "tcp/22=exe:{bin}/sshd+user:root",
    "udp/53=named",
    "tcp/53=user:bin",
    "tcp/5432=postgres+user:daemon",
    "tcp/6379=redis-server",
    "tcp/8000-8010=user:www-data",
    "tcp/8443=nginx",
    "udp/123=ntpd",
    "tcp/3306=mysqld",
    "tcp/25=exim4",
};

constexpr const char* kImpostor = "evil";
// Filler i listens on 127.0.0.1:(kFillerPortBase + i) while it connects to itself; services and
// workers use kHelperPortBase + k. Both stay below the ephemeral range and off the rules' ports.
constexpr unsigned kFillerPortBase = 10000;
constexpr unsigned kHelperPortBase = 31000;
constexpr unsigned kMaxProcesses = 20000;

// ---------------------------------------------------------------------------------------------
// Small helpers.

[[noreturn]] void fail_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        const auto written = ::write(fd, text.data(), text.size());
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail_errno("write");
        }
        text.remove_prefix(static_cast<std::size_t>(written));
    }
}

void log_line(const std::string& text) {
    const std::string line = "busy_host: " + text + "\n";
    // A lost log line changes nothing; the result is deliberately unused.
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, line.data(), line.size());
}

std::string read_small_file(const char* path) {
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fail_errno(std::string("open ") + path);
    }
    char buffer[256];
    const auto got = ::read(fd, buffer, sizeof(buffer) - 1);
    ::close(fd);
    if (got < 0) {
        fail_errno(std::string("read ") + path);
    }
    return std::string(buffer, static_cast<std::size_t>(got));
}

unsigned parse_unsigned(const std::string& text, const char* what) {
    std::size_t used = 0;
    unsigned long value = 0;
    try {
        value = std::stoul(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty() || value > 100000000UL) {
        throw std::invalid_argument(std::string("bad ") + what + ": " + text);
    }
    return static_cast<unsigned>(value);
}

struct Account {
    uid_t uid;
    gid_t gid;
};

Account account_of(const std::string& user) {
    if (!user.empty() && std::all_of(user.begin(), user.end(), ::isdigit)) {
        const auto id = parse_unsigned(user, "uid");
        return {static_cast<uid_t>(id), static_cast<gid_t>(id)};
    }
    const passwd* entry = ::getpwnam(user.c_str());
    if (entry == nullptr) {
        throw std::runtime_error("no such user: " + user);
    }
    return {entry->pw_uid, entry->pw_gid};
}

// setresuid clears the parent-death signal, so it is set again afterwards.
void drop_to(const Account& account, bool dumpable) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(account.gid, account.gid, account.gid) != 0 ||
        ::setresuid(account.uid, account.uid, account.uid) != 0) {
        fail_errno("dropping privileges");
    }
    // A service started directly under its user (systemd User=) is dumpable; a daemon that
    // drops privileges itself is not.
    if (dumpable) {
        ::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
    }
}

void die_with_parent(pid_t expected_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (::getppid() != expected_parent) {
        ::_exit(1);
    }
}

void raise_fd_limit(rlim_t wanted) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur >= wanted) {
        return;
    }
    limit.rlim_cur = wanted;
    limit.rlim_max = std::max(limit.rlim_max, wanted);
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        fail_errno("setrlimit(RLIMIT_NOFILE, " + std::to_string(wanted) + ")");
    }
}

void close_from(unsigned first) {
    if (::syscall(SYS_close_range, first, ~0U, 0) != 0) {
        fail_errno("close_range");
    }
}

int pidfd_open(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

// ---------------------------------------------------------------------------------------------
// The fds a busy process holds.

// Opens `count` fds of mixed kinds and keeps them open (they are never closed: holding them is
// the point). Roughly 40% regular files, 20% pipe ends, 20% unix socket pair ends, 15% loopback
// TCP connection ends (both ends of each connection), 5% anonymous inodes.
void open_busy_fds(unsigned count, unsigned tcp_port, const std::vector<std::string>& files) {
    const unsigned tcp_pairs = count * 15 / 100 / 2;
    const unsigned unix_pairs = count * 20 / 100 / 2;
    const unsigned pipes = count * 20 / 100 / 2;
    const unsigned anon = count * 5 / 100;
    const unsigned used = 2 * (tcp_pairs + unix_pairs + pipes) + anon;
    const unsigned regular = count > used ? count - used : 0;

    if (tcp_pairs > 0) {
        const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listener < 0) {
            fail_errno("socket");
        }
        const int on = 1;
        ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(tcp_port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
            fail_errno("bind 127.0.0.1:" + std::to_string(tcp_port));
        }
        if (::listen(listener, static_cast<int>(std::min(tcp_pairs, 4096U))) != 0) {
            fail_errno("listen");
        }
        for (unsigned i = 0; i < tcp_pairs; ++i) {
            const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (client < 0) {
                fail_errno("socket");
            }
            if (::connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) !=
                0) {
                fail_errno("connect 127.0.0.1:" + std::to_string(tcp_port));
            }
            if (::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC) < 0) {
                fail_errno("accept");
            }
        }
        // Only established connections remain: the listener would be one more LISTEN socket.
        ::close(listener);
    }
    for (unsigned i = 0; i < unix_pairs; ++i) {
        int pair[2];
        if (::socketpair(AF_UNIX, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0, pair) != 0) {
            fail_errno("socketpair");
        }
    }
    for (unsigned i = 0; i < pipes; ++i) {
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0) {
            fail_errno("pipe");
        }
    }
    for (unsigned i = 0; i < anon; ++i) {
        int fd = -1;
        switch (i % 3) {
            case 0:
                fd = ::eventfd(0, EFD_CLOEXEC);
                break;
            case 1:
                fd = ::epoll_create1(EPOLL_CLOEXEC);
                break;
            default:
                fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
                break;
        }
        if (fd < 0) {
            fail_errno("anonymous inode");
        }
    }
    for (unsigned i = 0; i < regular; ++i) {
        const auto& path = files[i % files.size()];
        const int flags = path.starts_with("/dev/") ? O_RDWR : O_RDONLY;
        if (::open(path.c_str(), flags | O_CLOEXEC) < 0) {
            fail_errno("open " + path);
        }
    }
}

std::vector<std::string> data_files(const std::string& dir) {
    std::vector<std::string> files = {dir + "/data/access.log",
                                      dir + "/data/error.log",
                                      dir + "/data/cache.db",
                                      "/etc/passwd",
                                      "/etc/hosts",
                                      "/usr/lib/os-release",
                                      "/dev/null",
                                      "/dev/urandom"};
    for (int i = 0; i < 8; ++i) {
        files.push_back(dir + "/data/segment-" + std::to_string(i) + ".dat");
    }
    return files;
}

// Blocks every signal except those that end the process, then waits forever.
[[noreturn]] void wait_to_be_killed() {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    while (true) {
        ::pause();
    }
}

// ---------------------------------------------------------------------------------------------
// Service mode (runs in an executable copy).

int open_listener(const SocketDef& def) {
    const int fd = ::socket(def.family, def.type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fail_errno("socket");
    }
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (def.reuseport) {
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
    }
    sockaddr_storage storage{};
    socklen_t length = 0;
    if (def.family == AF_INET) {
        auto* address = reinterpret_cast<sockaddr_in*>(&storage);
        address->sin_family = AF_INET;
        address->sin_port = htons(def.port);
        ::inet_pton(AF_INET, def.address, &address->sin_addr);
        length = sizeof(sockaddr_in);
    } else {
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
        auto* address = reinterpret_cast<sockaddr_in6*>(&storage);
        address->sin6_family = AF_INET6;
        address->sin6_port = htons(def.port);
        ::inet_pton(AF_INET6, def.address, &address->sin6_addr);
        length = sizeof(sockaddr_in6);
    }
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
        fail_errno(std::string("bind ") + def.address + ":" + std::to_string(def.port));
    }
    if (def.type == SOCK_STREAM && ::listen(fd, 128) != 0) {
        fail_errno("listen");
    }
    return fd;
}

int run_service(unsigned index, unsigned busy_fds, const std::string& dir) {
    const auto& service = kServices.at(index);
    constexpr int ready_fd = 3;
    const pid_t parent = ::getppid();
    die_with_parent(parent);
    const auto account = account_of(service.user);
    const bool root = std::string_view(service.user) == "root";
    if (!root && !service.bind_before_drop) {
        drop_to(account, true);
        die_with_parent(parent);
    }
    std::vector<int> listeners;
    for (const auto& socket : service.sockets) {
        listeners.push_back(open_listener(socket));
    }
    if (!root && service.bind_before_drop) {
        drop_to(account, false);
        die_with_parent(parent);
    }
    if (service.comm != nullptr) {
        ::prctl(PR_SET_NAME, service.comm, 0, 0, 0);
    }
    const auto files = data_files(dir);
    const unsigned own = service.own_fds == 0 ? busy_fds : service.own_fds;
    open_busy_fds(own, kHelperPortBase + index * 100, files);

    std::string line = std::to_string(::getpid());
    if (service.workers > 0) {
        const auto worker_account = account_of(service.worker_user);
        int ready[2];
        if (::pipe2(ready, O_CLOEXEC) != 0) {
            fail_errno("pipe");
        }
        const pid_t master = ::getpid();
        for (unsigned w = 0; w < service.workers; ++w) {
            const pid_t pid = ::fork();
            if (pid < 0) {
                fail_errno("fork");
            }
            if (pid == 0) {
                char result = '+';
                try {
                    ::close(ready_fd);
                    drop_to(worker_account, false);
                    die_with_parent(master);
                    // A busy worker: its connections and files, as many fds as a filler.
                    open_busy_fds(busy_fds, kHelperPortBase + index * 100 + 1 + w, files);
                } catch (const std::exception& error) {
                    log_line(std::string(service.name) + " worker: " + error.what());
                    result = '-';
                }
                write_all(ready[1], std::string_view(&result, 1));
                ::close(ready[0]);
                ::close(ready[1]);
                if (result != '+') {
                    ::_exit(1);
                }
                wait_to_be_killed();
            }
            line += " " + std::to_string(pid);
            // Wait for each worker, so that the workers' pids follow the master's.
            char result = 0;
            while (::read(ready[0], &result, 1) < 0 && errno == EINTR) {
            }
            if (result != '+') {
                throw std::runtime_error(std::string(service.name) + ": a worker failed");
            }
        }
        ::close(ready[0]);
        ::close(ready[1]);
    }
    write_all(ready_fd, line + "\n");
    ::close(ready_fd);
    wait_to_be_killed();
}

// ---------------------------------------------------------------------------------------------
// The host builder.

struct Options {
    unsigned processes = 200;
    unsigned fds = 50;
    std::string dir;
    std::vector<std::string> filler_uids = {"10000"};
    int ready_fd = -1;
};

Options parse_options(int argc, char** argv) {
    Options options;
    std::optional<unsigned> processes;
    std::optional<unsigned> fds;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                throw std::invalid_argument(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--dir") {
            options.dir = value();
        } else if (arg == "--size") {
            const auto size = value();
            if (size == "small") {
                options.processes = 200;
                options.fds = 50;
            } else if (size == "medium") {
                options.processes = 500;
                options.fds = 200;
            } else if (size == "large") {
                options.processes = 2000;
                options.fds = 500;
            } else {
                throw std::invalid_argument("bad --size: " + size);
            }
        } else if (arg == "--processes") {
            processes = parse_unsigned(value(), "--processes");
        } else if (arg == "--fds") {
            fds = parse_unsigned(value(), "--fds");
        } else if (arg == "--filler-uids") {
            options.filler_uids.clear();
            const auto list = value();
            std::size_t start = 0;
            while (start <= list.size()) {
                const auto comma = std::min(list.find(',', start), list.size());
                options.filler_uids.push_back(list.substr(start, comma - start));
                parse_unsigned(options.filler_uids.back(), "--filler-uids");
                start = comma + 1;
            }
        } else if (arg == "--ready-fd") {
            options.ready_fd = static_cast<int>(parse_unsigned(value(), "--ready-fd"));
        } else {
            throw std::invalid_argument("unknown argument: " + arg);
        }
    }
    options.processes = processes.value_or(options.processes);
    options.fds = fds.value_or(options.fds);
    if (options.dir.empty()) {
        throw std::invalid_argument("--dir is required");
    }
    if (options.processes < 10 || options.processes > kMaxProcesses) {
        throw std::invalid_argument("--processes must be 10.." + std::to_string(kMaxProcesses));
    }
    if (options.fds < 10) {
        throw std::invalid_argument("--fds must be at least 10");
    }
    return options;
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string json_pids(const std::vector<pid_t>& pids) {
    std::string out = "[";
    for (std::size_t i = 0; i < pids.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += std::to_string(pids[i]);
    }
    return out + "]";
}

void write_file(const std::string& path, std::string_view content, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        fail_errno("create " + path);
    }
    write_all(fd, content);
    ::fchmod(fd, mode);
    ::close(fd);
}

void copy_file(const std::string& from, const std::string& to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        fail_errno("open " + from);
    }
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (out < 0) {
        fail_errno("create " + to);
    }
    char buffer[65536];
    while (true) {
        const auto got = ::read(in, buffer, sizeof(buffer));
        if (got < 0) {
            fail_errno("read " + from);
        }
        if (got == 0) {
            break;
        }
        write_all(out, std::string_view(buffer, static_cast<std::size_t>(got)));
    }
    ::close(in);
    ::close(out);
}

std::string self_executable() {
    char path[4096];
    const auto length = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (length < 0) {
        fail_errno("readlink /proc/self/exe");
    }
    return std::string(path, static_cast<std::size_t>(length));
}

struct StartedService {
    std::size_t index;
    pid_t pid;
    std::vector<pid_t> workers;
    std::vector<int> worker_pidfds;
    std::size_t creation_rank;  // among all processes this host started, in creation order
};

class Host {
  public:
    explicit Host(Options options) : options_(std::move(options)) {}
    ~Host() { tear_down(); }

    void build();
    void write_manifest(const std::string& path) const;
    void tear_down();
    bool child_died_unexpectedly();

  private:
    void prepare_directory();
    void maybe_rewind_pids() const;
    void fork_filler(unsigned index, int ready_write);
    void start_service(std::size_t index);

    Options options_;
    std::string bin_dir_;
    std::vector<std::string> files_;
    std::vector<pid_t> fillers_;
    std::vector<pid_t> created_;  // every process, in creation order
    std::vector<StartedService> services_;
    std::map<std::string, Account> filler_accounts_;
    bool torn_down_ = false;
};

void Host::prepare_directory() {
    if (::mkdir(options_.dir.c_str(), 0755) != 0 && errno != EEXIST) {
        fail_errno("mkdir " + options_.dir);
    }
    ::chmod(options_.dir.c_str(), 0755);
    bin_dir_ = options_.dir + "/bin";
    const auto data = options_.dir + "/data";
    for (const auto& path : {bin_dir_, data}) {
        if (::mkdir(path.c_str(), 0755) != 0) {
            fail_errno("mkdir " + path + " (is " + options_.dir + " empty?)");
        }
    }
    const std::string text(4096, 'x');
    for (const auto* name : {"access.log", "error.log", "cache.db"}) {
        write_file(data + "/" + name, text, 0644);
    }
    for (int i = 0; i < 8; ++i) {
        write_file(data + "/segment-" + std::to_string(i) + ".dat", text, 0644);
    }
    files_ = data_files(options_.dir);
    const auto self = self_executable();
    std::vector<std::string> copied;
    for (const auto& service : kServices) {
        if (std::find(copied.begin(), copied.end(), service.name) == copied.end()) {
            copy_file(self, bin_dir_ + "/" + service.name);
            copied.push_back(service.name);
        }
    }
}

// The placement in pid order assumes increasing pids; if the pid counter would wrap while the
// host is built, start it from the bottom now (what the kernel does at a wrap anyway).
void Host::maybe_rewind_pids() const {
    const auto pid_max = std::stoul(read_small_file("/proc/sys/kernel/pid_max"));
    const auto last = std::stoul(read_small_file("/proc/sys/kernel/ns_last_pid"));
    const auto needed = 2UL * (options_.processes + 100);
    if (last + needed < pid_max) {
        return;
    }
    const int fd = ::open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
        [[maybe_unused]] const auto written = ::write(fd, "300", 3);
        ::close(fd);
        log_line("pid counter near pid_max " + std::to_string(pid_max) +
                 ": restarted it at 300 so that pids increase while the host is built");
    }
}

void Host::fork_filler(unsigned index, int ready_write) {
    const auto& uid_text = options_.filler_uids[index % options_.filler_uids.size()];
    const auto account = filler_accounts_.at(uid_text);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        fail_errno("fork");
    }
    if (pid == 0) {
        char result = '+';
        try {
            if (::dup2(ready_write, 3) < 0) {
                fail_errno("dup2");
            }
            close_from(4);
            const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
            ::dup2(null, STDIN_FILENO);
            ::dup2(null, STDOUT_FILENO);
            ::close(null);
            raise_fd_limit(options_.fds + 64);
            if (account.uid != 0) {
                drop_to(account, true);
            }
            die_with_parent(parent);
            open_busy_fds(options_.fds, kFillerPortBase + index, files_);
        } catch (const std::exception& error) {
            log_line("filler " + std::to_string(index) + ": " + error.what());
            result = '-';
        }
        [[maybe_unused]] const auto written = ::write(3, &result, 1);
        ::close(3);
        if (result != '+') {
            ::_exit(1);
        }
        wait_to_be_killed();
    }
    fillers_.push_back(pid);
    created_.push_back(pid);
}

void Host::start_service(std::size_t index) {
    const auto& service = kServices[index];
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) {
        fail_errno("pipe");
    }
    const auto executable = bin_dir_ + "/" + service.name;
    const auto index_text = std::to_string(index);
    const auto fds_text = std::to_string(options_.fds);
    const pid_t pid = ::fork();
    if (pid < 0) {
        fail_errno("fork");
    }
    if (pid == 0) {
        if (::dup2(ready[1], 3) < 0) {
            ::_exit(127);
        }
        ::syscall(SYS_close_range, 4U, ~0U, 0);
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, STDIN_FILENO);
        ::dup2(null, STDOUT_FILENO);
        ::close(null);
        raise_fd_limit(options_.fds + 64);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        const std::string service_env = "BUSY_HOST_SERVICE=" + index_text;
        const std::string fds_env = "BUSY_HOST_FDS=" + fds_text;
        const std::string dir_env = "BUSY_HOST_DIR=" + options_.dir;
        const char* args[] = {service.name, nullptr};
        const char* env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", service_env.c_str(),
                             fds_env.c_str(), dir_env.c_str(), nullptr};
        ::execve(executable.c_str(), const_cast<char* const*>(args), const_cast<char* const*>(env));
        ::_exit(127);
    }
    ::close(ready[1]);
    created_.push_back(pid);
    StartedService started{index, pid, {}, {}, created_.size() - 1};
    services_.push_back(started);

    std::string line;
    char buffer[512];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (line.find('\n') == std::string::npos) {
        pollfd poll_fd{ready[0], POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || ::poll(&poll_fd, 1, static_cast<int>(left.count())) == 0) {
            throw std::runtime_error(std::string("service ") + service.name + " not ready");
        }
        const auto got = ::read(ready[0], buffer, sizeof(buffer));
        if (got <= 0) {
            if (got < 0 && errno == EINTR) {
                continue;
            }
            throw std::runtime_error(std::string("service ") + service.name +
                                     " failed to start (see its message above)");
        }
        line.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(ready[0]);
    auto& record = services_.back();
    std::size_t start = line.find(' ');
    while (start != std::string::npos && start + 1 < line.size()) {
        const auto end = line.find_first_of(" \n", start + 1);
        const pid_t worker = static_cast<pid_t>(std::stol(line.substr(start + 1, end - start - 1)));
        record.workers.push_back(worker);
        created_.push_back(worker);
        // Workers are not our children: a pidfd names them without a race on pid reuse.
        record.worker_pidfds.push_back(pidfd_open(worker));
        start = line[end] == ' ' ? end : std::string::npos;
    }
}

void Host::build() {
    for (const auto& uid_text : options_.filler_uids) {
        filler_accounts_.emplace(uid_text, account_of(uid_text));
    }
    prepare_directory();
    maybe_rewind_pids();
    raise_fd_limit(1024 + options_.processes / 4);

    // Services go at their position in the order of creation (fillers and services together).
    const std::size_t total = options_.processes + kServices.size();
    std::vector<std::size_t> order(kServices.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    std::sort(order.begin(), order.end(), [](std::size_t a, std::size_t b) {
        return kServices[a].position < kServices[b].position;
    });
    std::size_t next_service = 0;

    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) {
        fail_errno("pipe");
    }
    unsigned filler = 0;
    while (filler < options_.processes || next_service < order.size()) {
        const auto slot = created_.size() - [&] {
            std::size_t workers = 0;
            for (const auto& s : services_) {
                workers += s.workers.size();
            }
            return workers;
        }();
        const bool service_due =
            next_service < order.size() &&
            (filler >= options_.processes ||
             static_cast<double>(slot) >=
                 std::round(kServices[order[next_service]].position * static_cast<double>(total)));
        if (service_due) {
            start_service(order[next_service++]);
        } else {
            fork_filler(filler++, ready[1]);
        }
    }
    ::close(ready[1]);

    // Collect the fillers' one-byte reports.
    unsigned reported = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(900);
    char buffer[4096];
    while (reported < options_.processes) {
        pollfd poll_fd{ready[0], POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || ::poll(&poll_fd, 1, static_cast<int>(left.count())) == 0) {
            throw std::runtime_error("fillers not ready in time");
        }
        const auto got = ::read(ready[0], buffer, sizeof(buffer));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            throw std::runtime_error("a filler died before it was ready");
        }
        for (long i = 0; i < got; ++i) {
            if (buffer[i] != '+') {
                throw std::runtime_error("a filler failed (see its message above)");
            }
        }
        reported += static_cast<unsigned>(got);
    }
    ::close(ready[0]);
}

void Host::write_manifest(const std::string& path) const {
    std::vector<pid_t> sorted = created_;
    std::sort(sorted.begin(), sorted.end());
    const auto rank_of = [&](pid_t pid) {
        const auto at = std::lower_bound(sorted.begin(), sorted.end(), pid) - sorted.begin();
        return static_cast<double>(at) / static_cast<double>(sorted.size());
    };
    std::string out = "{\n";
    out += "  \"busy_host_pid\": " + std::to_string(::getpid()) + ",\n";
    out += "  \"processes\": " + std::to_string(options_.processes) + ",\n";
    out += "  \"fds_per_process\": " + std::to_string(options_.fds) + ",\n";
    out += "  \"filler_uids\": [";
    for (std::size_t i = 0; i < options_.filler_uids.size(); ++i) {
        out += (i ? "," : "") + options_.filler_uids[i];
    }
    out += "],\n";
    out += "  \"total_processes\": " + std::to_string(created_.size()) + ",\n";
    out += "  \"pids_increasing\": " +
           std::string(std::is_sorted(created_.begin(), created_.end()) ? "true" : "false") + ",\n";
    out += "  \"bin_dir\": " + json_string(bin_dir_) + ",\n";
    out += "  \"filler_pids\": " + json_pids(fillers_) + ",\n";
    out += "  \"rules\": [";
    for (std::size_t i = 0; i < kRules.size(); ++i) {
        auto rule = kRules[i];
        const auto at = rule.find("{bin}");
        if (at != std::string::npos) {
            rule.replace(at, 5, bin_dir_);
        }
        out += (i ? ", " : "") + json_string(rule);
    }
    out += "],\n";
    out += "  \"impostor\": " + json_string(kImpostor) + ",\n";
    out += "  \"services\": [\n";
    std::string listeners;
    for (std::size_t i = 0; i < services_.size(); ++i) {
        const auto& started = services_[i];
        const auto& def = kServices[started.index];
        out += "    {\"name\": " + json_string(def.name) +
               ", \"exe\": " + json_string(bin_dir_ + "/" + def.name) +
               ", \"comm\": " + json_string(def.comm ? def.comm : def.name) +
               ", \"user\": " + json_string(def.user) +
               ", \"bind_as_root_then_drop\": " + (def.bind_before_drop ? "true" : "false") +
               ", \"pid\": " + std::to_string(started.pid) +
               ", \"workers\": " + json_pids(started.workers) +
               ", \"worker_user\": " + json_string(def.worker_user ? def.worker_user : "") +
               ", \"position\": " + std::to_string(def.position) +
               ", \"pid_rank\": " + std::to_string(rank_of(started.pid)) + "}" +
               (i + 1 < services_.size() ? ",\n" : "\n");
        std::vector<pid_t> holders = {started.pid};
        holders.insert(holders.end(), started.workers.begin(), started.workers.end());
        for (const auto& socket : def.sockets) {
            if (!listeners.empty()) {
                listeners += ",\n";
            }
            const char* proto = socket.type == SOCK_STREAM
                                    ? (socket.family == AF_INET ? "tcp4" : "tcp6")
                                    : (socket.family == AF_INET ? "udp4" : "udp6");
            listeners += "    {\"proto\": " + json_string(proto) +
                         ", \"address\": " + json_string(socket.address) +
                         ", \"port\": " + std::to_string(socket.port) +
                         ", \"service\": " + json_string(def.name) +
                         ", \"holders\": " + json_pids(holders) + "}";
        }
    }
    out += "  ],\n  \"listeners\": [\n" + listeners + "\n  ]\n}\n";
    const auto temporary = path + ".tmp";
    write_file(temporary, out, 0644);
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        fail_errno("rename " + temporary);
    }
}

bool Host::child_died_unexpectedly() {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
        log_line("process " + std::to_string(pid) + " ended unexpectedly");
        return true;
    }
    return false;
}

// Kills every process this host started, by pid: direct children with kill() (a child's pid
// cannot be reused before we reap it), workers with their pidfds. Then reaps everything; as the
// subreaper busy_host also inherits workers whose master is gone.
void Host::tear_down() {
    if (torn_down_) {
        return;
    }
    torn_down_ = true;
    for (int signal : {SIGTERM, SIGKILL}) {
        for (const auto& service : services_) {
            for (const int pidfd : service.worker_pidfds) {
                if (pidfd >= 0) {
                    ::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0);
                }
            }
            ::kill(service.pid, signal);
        }
        for (const pid_t pid : fillers_) {
            ::kill(pid, signal);
        }
        if (signal == SIGKILL) {
            break;
        }
        // Give SIGTERM a few seconds; everything still there then gets SIGKILL.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        bool all_gone = false;
        while (!all_gone && std::chrono::steady_clock::now() < deadline) {
            const pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
            if (pid < 0 && errno == ECHILD) {
                all_gone = true;
            } else if (pid <= 0) {
                ::usleep(10000);
            }
        }
        if (all_gone) {
            break;
        }
    }
    while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
    }
    for (const auto& service : services_) {
        for (const int pidfd : service.worker_pidfds) {
            if (pidfd >= 0) {
                ::close(pidfd);
            }
        }
    }
}

int run_host(const Options& options) {
    // Stop signals are taken with sigwaitinfo; SIGCHLD tells of a process that died early.
    sigset_t signals;
    sigemptyset(&signals);
    for (int signal : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) {
        sigaddset(&signals, signal);
    }
    ::sigprocmask(SIG_BLOCK, &signals, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    Host host(options);
    const auto started = std::chrono::steady_clock::now();
    host.build();
    const auto manifest = options.dir + "/manifest.json";
    host.write_manifest(manifest);
    const auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    log_line("ready in " + std::to_string(seconds) + " s: " + std::to_string(options.processes) +
             " processes x " + std::to_string(options.fds) + " fds, manifest " + manifest);
    if (options.ready_fd >= 0) {
        write_all(options.ready_fd, "ready " + manifest + "\n");
        ::close(options.ready_fd);
    }
    while (true) {
        siginfo_t info{};
        const int signal = ::sigwaitinfo(&signals, &info);
        if (signal == SIGCHLD) {
            while (host.child_died_unexpectedly()) {
            }
            continue;
        }
        if (signal > 0) {
            break;
        }
    }
    host.tear_down();
    log_line("torn down");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (const char* service = std::getenv("BUSY_HOST_SERVICE")) {
            const char* fds = std::getenv("BUSY_HOST_FDS");
            const char* dir = std::getenv("BUSY_HOST_DIR");
            return run_service(parse_unsigned(service, "BUSY_HOST_SERVICE"),
                               parse_unsigned(fds ? fds : "", "BUSY_HOST_FDS"), dir ? dir : "");
        }
        if (::geteuid() != 0) {
            log_line("must run as root (it binds well-known ports and switches users)");
            return 1;
        }
        return run_host(parse_options(argc, argv));
    } catch (const std::exception& error) {
        log_line(error.what());
        return 1;
    }
}
