// SPDX-License-Identifier: GPL-3.0-or-later
// port_holder: holds real sockets for the integration tests of check_port_owner.
//
//   port_holder [--comm NAME] [--workers N] [--ready-fd FD | --ready-file PATH]
//               [--argv-padding TEXT]... --socket SPEC [--socket SPEC]...
//
//   --socket PROTO/ADDR:PORT[,OPTION]...   repeatable; opened in the order given
//       PROTO   tcp4, tcp6, udp4 or udp6. TCP sockets get SO_REUSEADDR and listen() (unless
//               nolisten or connect=); UDP sockets are only bound (and connected with connect=).
//       ADDR    IPv4 dotted quad, or an IPv6 address in brackets: [::], [::1],
//               [::ffff:127.0.0.1] (the last needs v6only=off).
//       OPTION  reuseport     set SO_REUSEPORT, to join a port another process holds
//               reuseaddr     set SO_REUSEADDR on a UDP socket (TCP always has it): several
//                             UDP sockets that all set it may bind the same address and port
//               connect=ADDR:PORT   connect() to that peer after bind. UDP: the peer's
//                             datagrams then reach this socket ahead of an unconnected one.
//                             TCP: no listen(); a connection whose local port is the bound one
//                             (the peer must listen already)
//               nolisten      TCP only: bind and nothing more, a port in use that nobody
//                             listens on
//               v6only=on     set IPV6_V6ONLY (v6 sockets only)
//               v6only=off    clear IPV6_V6ONLY: a dual-stack socket
//               Without v6only=..., the kernel default (net.ipv6.bindv6only) applies.
//   --comm NAME      set the process name (comm) with prctl(PR_SET_NAME), e.g. to make an impostor
//                    whose comm equals an allowed name; the kernel keeps the first 15 bytes.
//   --workers N      after binding, fork N workers that share every socket (a prefork server);
//                    at most 64.
//   --ready-fd FD    when every socket is bound/listening and every worker forked, write
//                    "ready MASTER_PID [WORKER_PID]...\n" to FD and close it.
//   --ready-file PATH   the same line, written atomically (temporary file + rename) to PATH.
//   --argv-padding TEXT   repeatable; ignored. It only puts TEXT (any bytes but NUL: newlines,
//                    '|', invalid UTF-8, kilobytes) into the command line that /proc/PID/cmdline
//                    shows, to test how hostile command lines are reported.
//   --heir PATH:MODE   repeatable; once the sockets are bound, start PATH (a copy of port_holder
//                    under another name) and give it every socket: MODE inherit (fork + exec with
//                    the sockets open), scm_rights (passed over a Unix socket), thread_table
//                    (inherited, then kept only in one thread's own fd table), orphaned_threads
//                    (inherited, and the heir's main thread exits), io_uring (inherited, then
//                    kept only as fixed files of an io_uring instance). Its pid is announced among
//                    the workers'. Heirs run as `PATH --adopt MODE --adopt-fds ... --ready-fd FD`.
//   -h, --help       print this usage on stdout and exit 0.
//
// SIGTERM, SIGINT or SIGHUP: the master stops its workers, reaps them and exits 0. Workers also
// end when the master dies (PR_SET_PDEATHSIG), so a killed master leaves no socket behind for long.
// Exit codes: 0 clean shutdown, 1 a socket or worker could not be set up (message on stderr),
// 2 bad arguments (message and usage on stderr).
//
// Tests copy this binary under other names (nginx, msproxy, ...): the plugin identifies a holder by
// the basename of the real path of /proc/PID/exe, and forked workers keep that executable.

#include "bound_socket.hpp"
#include "command_line.hpp"
#include "readiness.hpp"
#include "shutdown_signals.hpp"
#include "worker_pool.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <system_error>
#include <vector>

#include <fmt/core.h>

namespace {

constexpr int kExitSetupFailed = 1;
constexpr int kExitBadArguments = 2;

void set_comm(const std::string& name) {
    if (prctl(PR_SET_NAME, name.c_str(), 0, 0, 0) != 0) {
        throw std::system_error(errno, std::generic_category(), "prctl(PR_SET_NAME)");
    }
}

void announce_readiness(const port_holder::HolderConfig& config,
                        const port_holder::WorkerPool& workers, const std::vector<pid_t>& heirs) {
    auto others = workers.pids();
    others.insert(others.end(), heirs.begin(), heirs.end());
    const std::string line = port_holder::readiness_line(getpid(), others);
    if (config.ready_fd)
        port_holder::announce_on_fd(*config.ready_fd, line);
    if (config.ready_file)
        port_holder::announce_in_file(*config.ready_file, line);
}

int hold_sockets(const port_holder::HolderConfig& config) {
    port_holder::block_shutdown_signals();

    // Kept open until exit: holding them is this program's whole purpose.
    std::vector<int> sockets;
    for (const auto& spec : config.sockets) {
        sockets.push_back(port_holder::open_bound_socket(spec));
    }
    if (config.comm)
        set_comm(*config.comm);

    port_holder::WorkerPool workers(config.workers, config.ready_fd);
    std::vector<pid_t> heirs;
    for (const auto& heir : config.heirs) {
        heirs.push_back(port_holder::start_heir(heir, sockets));
    }
    announce_readiness(config, workers, heirs);

    port_holder::wait_for_shutdown_signal();
    workers.stop();
    for (const pid_t heir : heirs) {
        kill(heir, SIGTERM);
        waitpid(heir, nullptr, 0);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    port_holder::HolderConfig config;
    try {
        config = port_holder::parse_command_line(argc, argv);
    } catch (const port_holder::UsageError& error) {
        fmt::print(stderr, "port_holder: {}\n{}", error.what(), port_holder::kUsage);
        return kExitBadArguments;
    }
    if (config.help) {
        fmt::print("{}", port_holder::kUsage);
        return 0;
    }

    try {
        if (config.adopt) {
            return port_holder::run_heir(*config.adopt, config.adopt_fds, config.adopt_count,
                                         *config.ready_fd);
        }
        return hold_sockets(config);
    } catch (const std::exception& error) {
        fmt::print(stderr, "port_holder: {}\n", error.what());
        return kExitSetupFailed;
    }
}
