// SPDX-License-Identifier: GPL-3.0-or-later
// The test helper itself: if port_holder did not hold what it claims, every plugin test would test
// nothing. These tests check it with plain sockets and /proc, without the plugin.

#include "harness/binary_paths.hpp"
#include "harness/child_process.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/program_run.hpp"
#include "harness/unique_fd.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>

namespace integration {
namespace {

using namespace std::chrono_literals;

using PortHolder = PortOwnerTest;

// errno of connect() to 127.0.0.1:port, 0 on success.
int connect_error_v4(in_port_t port) {
    const UniqueFd client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(port);
    server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connect(client.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server) == 0
               ? 0
               : errno;
}

// errno of bind() of a fresh socket of `type` to 127.0.0.1:port, 0 on success.
int bind_error_v4(int type, in_port_t port) {
    const UniqueFd probe(socket(AF_INET, type | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return bind(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0
               ? 0
               : errno;
}

std::string read_first_line(const std::filesystem::path& path) {
    std::ifstream stream(path);
    std::string first_line;
    std::getline(stream, first_line);
    return first_line;
}

std::string read_proc(pid_t pid, const char* entry) {
    return read_first_line("/proc/" + std::to_string(pid) + "/" + entry);
}

pid_t parent_of(pid_t pid) {
    // /proc/PID/stat: "pid (comm) state ppid ..."; comm may contain spaces, so start after ')'.
    const std::string stat = read_proc(pid, "stat");
    return std::stoi(stat.substr(stat.rfind(')') + 4));
}

// Whether `pid`, which need not be our child, ends within `timeout`. A pidfd becomes readable
// when its process ends.
bool ends_within(pid_t pid, std::chrono::milliseconds timeout) {
    const UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd.valid())
        return errno == ESRCH;  // already gone
    pollfd ended{pidfd.get(), POLLIN, 0};
    return poll(&ended, 1, static_cast<int>(timeout.count())) == 1;
}

TEST_F(PortHolder, TcpPortAcceptsConnectionsOnceReady) {
    EXPECT_EQ(connect_error_v4(8080), ECONNREFUSED) << "the namespace should start empty";
    auto holder = start_holder({.executable_name = "nginx", .sockets = {"tcp4/127.0.0.1:8080"}});
    EXPECT_EQ(connect_error_v4(8080), 0) << std::strerror(connect_error_v4(8080));
}

TEST_F(PortHolder, UdpPortIsBound) {
    auto holder =
        start_holder({.executable_name = "avahi-daemon", .sockets = {"udp4/127.0.0.1:5353"}});
    EXPECT_EQ(bind_error_v4(SOCK_DGRAM, 5353), EADDRINUSE);
}

TEST_F(PortHolder, StopReleasesEverySocketOfMasterAndWorkers) {
    auto holder =
        start_holder({.executable_name = "nginx", .sockets = {"tcp4/127.0.0.1:80"}, .workers = 3});
    holder.stop();
    EXPECT_EQ(bind_error_v4(SOCK_STREAM, 80), 0);
}

TEST_F(PortHolder, WorkersAreChildrenOfTheMasterRunningTheSameExecutable) {
    auto holder =
        start_holder({.executable_name = "apache2", .sockets = {"tcp4/0.0.0.0:80"}, .workers = 3});
    ASSERT_EQ(holder.worker_pids().size(), 3u);
    const auto executable = executables().path_for("apache2");
    for (const pid_t worker : holder.worker_pids()) {
        EXPECT_EQ(parent_of(worker), holder.pid());
        EXPECT_EQ(std::filesystem::read_symlink("/proc/" + std::to_string(worker) + "/exe"),
                  executable);
    }
}

TEST_F(PortHolder, WorkersEndWhenTheMasterIsKilled) {
    auto holder =
        start_holder({.executable_name = "nginx", .sockets = {"tcp4/127.0.0.1:80"}, .workers = 2});
    const std::vector<pid_t> workers = holder.worker_pids();

    kill_and_reap(holder.pid());  // SIGKILL: the master cannot stop its workers itself

    for (const pid_t worker : workers) {
        EXPECT_TRUE(ends_within(worker, 20s)) << "worker " << worker << " outlived its master";
    }
}

TEST_F(PortHolder, ReadyFileAppearsOnceTheSocketListens) {
    const auto ready_file = temp_dir() / "ready";
    const UniqueFd null_device(open("/dev/null", O_RDWR | O_CLOEXEC));
    const pid_t pid =
        spawn_child(executables().path_for("nginx"),
                    {"--ready-file", ready_file.string(), "--socket", "tcp4/127.0.0.1:8080"},
                    ChildDescriptors{.stdin_fd = null_device.get(),
                                     .stdout_fd = null_device.get(),
                                     .stderr_fd = STDERR_FILENO},
                    /*die_with_parent=*/true);
    // Polling is the only way to learn that a file appeared; the bound keeps a broken holder
    // from hanging the test.
    for (int attempt = 0; attempt < 2000 && !std::filesystem::exists(ready_file); ++attempt) {
        std::this_thread::sleep_for(10ms);
    }
    const std::string line = read_first_line(ready_file);
    const int connect_error = connect_error_v4(8080);
    kill_and_reap(pid);

    EXPECT_EQ(line, "ready " + std::to_string(pid));
    EXPECT_EQ(connect_error, 0) << std::strerror(connect_error);
}

TEST_F(PortHolder, CommIsSetForMasterAndWorkers) {
    auto holder = start_holder(
        {.executable_name = "evil", .sockets = {"tcp4/0.0.0.0:80"}, .comm = "nginx", .workers = 1});
    EXPECT_EQ(read_proc(holder.pid(), "comm"), "nginx");
    EXPECT_EQ(read_proc(holder.worker_pids().at(0), "comm"), "nginx");
}

TEST_F(PortHolder, SecondHolderCannotTakeAPortWithoutReuseport) {
    auto first = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:8080"}});
    try {
        auto second =
            start_holder({.executable_name = "intruder", .sockets = {"tcp4/0.0.0.0:8080"}});
        ADD_FAILURE() << "the second holder bound a port that was taken";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("Address already in use"), std::string::npos)
            << error.what();
    }
}

TEST_F(PortHolder, ReuseportLetsASecondHolderJoinThePort) {
    auto first =
        start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:8080,reuseport"}});
    EXPECT_NO_THROW(
        start_holder({.executable_name = "intruder", .sockets = {"tcp4/0.0.0.0:8080,reuseport"}}));
}

// The /proc/net/udp lines of sockets bound to `port` (hex in the file), without the slot number.
std::vector<std::string> proc_net_udp_lines_on(in_port_t port) {
    std::ifstream table("/proc/net/udp");
    std::vector<std::string> lines;
    const std::string local_port = fmt::format(":{:04X} ", port);
    for (std::string line; std::getline(table, line);) {
        const auto colon = line.find(": ");
        if (colon != std::string::npos && line.find(local_port, colon) == colon + 10)
            lines.push_back(line.substr(colon + 2));
    }
    return lines;
}

TEST_F(PortHolder, ConnectedUdpSocketSharesTheServersPort) {
    auto server = start_holder(
        {.executable_name = "avahi-daemon", .sockets = {"udp4/127.0.0.1:5353,reuseaddr"}});
    auto intruder =
        start_holder({.executable_name = "evil",
                      .sockets = {"udp4/127.0.0.1:5353,reuseaddr,connect=127.0.0.1:9"}});

    // local 127.0.0.1:5353; remote 0.0.0.0:0 and state 07 (unconnected), or 127.0.0.1:9 and
    // state 01 (connected).
    const auto lines = proc_net_udp_lines_on(5353);
    ASSERT_EQ(lines.size(), 2u) << fmt::format("{}", fmt::join(lines, "\n"));
    std::vector<std::string> remote_and_state;
    for (const auto& line : lines)
        remote_and_state.push_back(line.substr(14, 16));
    std::sort(remote_and_state.begin(), remote_and_state.end());
    EXPECT_EQ(remote_and_state, (std::vector<std::string>{"00000000:0000 07", "0100007F:0009 01"}));
}

TEST(PortHolderArguments, BadArgumentsExitTwoWithAMessage) {
    const std::vector<std::vector<std::string>> bad_command_lines{
        {},
        {"--socket", "tcp4/0.0.0.0:99999"},
        {"--socket", "sctp/0.0.0.0:80"},
        {"--socket", "tcp6/::1:80"},
        {"--socket", "tcp4/0.0.0.0:80,v6only=on"},
        {"--socket", "udp4/127.0.0.1:53,nolisten"},
        {"--socket", "udp4/127.0.0.1:53,connect=[::1]:9"},
        {"--socket", "tcp4/0.0.0.0:80", "--workers", "many"},
        {"--socket", "tcp4/0.0.0.0:80", "--frobnicate"},
        {"--socket", "tcp4/0.0.0.0:80", "--ready-fd", "1", "--ready-file", "/tmp/x"},
    };
    for (const auto& arguments : bad_command_lines) {
        const ProgramRun run = run_program(kHolderPath, arguments, 30s);
        EXPECT_EQ(run.exit_code, 2) << describe(run);
        EXPECT_NE(run.err.find("port_holder: "), std::string::npos) << describe(run);
        EXPECT_TRUE(run.out.empty()) << describe(run);
    }
}

}  // namespace
}  // namespace integration
