// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/rootlesskit_follower.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "core/rootlesskit_ports.hpp"
#include "core/whole_number.hpp"
#include "linux/check_deadline.hpp"
#include "linux/docker_proxy_follower.hpp"
#include "linux/packaged_executable.hpp"
#include "linux/privilege.hpp"
#include "linux/proxy_holders.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

// The API socket belongs to the user running rootlesskit, who can make it accept and never
// answer: the whole exchange waits at most this long, and never past what -t leaves minus a
// margin for the check's own answer, so such a socket gives an UNKNOWN that says so.
constexpr std::chrono::milliseconds longest_api_wait = std::chrono::seconds(3);
constexpr std::chrono::milliseconds answer_margin = std::chrono::milliseconds(500);
constexpr std::chrono::milliseconds shortest_api_wait = std::chrono::milliseconds(50);
// rootlesskit's answer is a few hundred bytes per port; more is not its answer.
constexpr std::size_t largest_answer = 1 << 20;

std::chrono::steady_clock::time_point api_deadline() {
    auto wait = longest_api_wait;
    if (const auto left = time_left_for_check()) {
        wait =
            std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*left) - answer_margin,
                       shortest_api_wait, longest_api_wait);
    }
    return std::chrono::steady_clock::now() + wait;
}

// Waits for `events` on `fd` until `deadline`; false on timeout or error.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd waiting{fd, events, 0};
        const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
        if (ready > 0) {
            return true;
        }
        if (ready < 0 && errno != EINTR) {
            return false;
        }
    }
}

// `GET /v1/ports` on rootlesskit's API socket; the raw answer, or the reason there is none.
std::optional<std::string> ask_for_ports(const std::string& socket_path, int rootlesskit_pid,
                                         std::string& problem) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof(address.sun_path)) {
        problem = "the path of its API socket is too long to connect to";
        return std::nullopt;
    }
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    const UniqueFd connection(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    const auto deadline = api_deadline();
    // A Unix socket connects at once or not at all: EAGAIN is a full backlog (a listener that
    // accepts nothing), not a connection in progress.
    const auto* target = reinterpret_cast<const sockaddr*>(&address);
    if (!connection.valid() || ::connect(connection.get(), target, sizeof(address)) != 0) {
        problem = errno == EAGAIN
                      ? std::string("its API socket takes no more connections (a full backlog)")
                      : fmt::format("its API socket cannot be reached: {}", std::strerror(errno));
        return std::nullopt;
    }
    // The path is the user's word: whatever socket it leads to must be rootlesskit's own before
    // anything is sent there. A listening socket's credentials are those of who called listen().
    ucred peer{};
    socklen_t peer_size = sizeof(peer);
    if (::getsockopt(connection.get(), SOL_SOCKET, SO_PEERCRED, &peer, &peer_size) != 0 ||
        peer.pid != rootlesskit_pid) {
        problem = fmt::format("the socket at {} is not rootlesskit's own", socket_path);
        return std::nullopt;
    }
    const std::string_view request = "GET /v1/ports HTTP/1.0\r\nHost: rootlesskit\r\n\r\n";
    std::size_t sent = 0;
    while (sent < request.size()) {
        if (!wait_for(connection.get(), POLLOUT, deadline)) {
            problem = "its API socket did not take the request in time";
            return std::nullopt;
        }
        const auto written =
            ::send(connection.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (written < 0 && errno != EAGAIN && errno != EINTR) {
            problem = fmt::format("its API socket refused the request: {}", std::strerror(errno));
            return std::nullopt;
        }
        sent += written > 0 ? static_cast<std::size_t>(written) : 0;
    }
    std::string answer;
    char buffer[4096];
    for (;;) {
        if (!wait_for(connection.get(), POLLIN, deadline)) {
            problem = "its API socket did not answer in time";
            return std::nullopt;
        }
        const auto got = ::recv(connection.get(), buffer, sizeof(buffer), 0);
        if (got == 0) {
            return answer;
        }
        if (got < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            problem = fmt::format("reading its API socket failed: {}", std::strerror(errno));
            return std::nullopt;
        }
        answer.append(buffer, static_cast<std::size_t>(got));
        if (answer.size() > largest_answer) {
            problem = "its API socket answered more than a port list";
            return std::nullopt;
        }
    }
}

// The mapping of the listener rootlesskit holds, from its API socket; or the reason there is none.
std::optional<RootlesskitPortSpec> mapping_of(const ProcessIdentity& rootlesskit,
                                              const Listener& held, std::string& problem) {
    const auto state_dir = rootlesskit.command_line_known
                               ? rootlesskit_state_dir(rootlesskit.command_line)
                               : std::nullopt;
    if (!state_dir) {
        problem =
            "its command line names no --state-dir (the folder of its API socket, which lists "
            "its ports)";
        return std::nullopt;
    }
    if (!state_dir->starts_with('/')) {
        // Relative to rootlesskit's working folder, not the plugin's.
        problem = "its --state-dir is a relative path";
        return std::nullopt;
    }
    const auto answer = ask_for_ports(*state_dir + "/api.sock", rootlesskit.pid, problem);
    if (!answer) {
        return std::nullopt;
    }
    const auto body = http_ok_body(*answer);
    const auto specs = body ? parse_rootlesskit_ports(*body) : std::nullopt;
    if (!specs) {
        problem = "its API socket did not answer with a port list";
        return std::nullopt;
    }
    std::optional<RootlesskitPortSpec> mapping;
    for (const auto& spec : *specs) {
        if (!rootlesskit_spec_serves(spec, held)) {
            continue;
        }
        if (mapping && mapping->child_port != spec.child_port) {
            problem = fmt::format("its API lists two mappings for {}/{}",
                                  transport_name(held.transport), held.port);
            return std::nullopt;
        }
        mapping = spec;
    }
    if (!mapping) {
        problem = fmt::format("its API lists no mapping for {}/{} on {}",
                              transport_name(held.transport), held.port, held.address.to_string());
    }
    return mapping;
}

void follow(ProcessIdentity& rootlesskit, const Listener& held, UserNames& user_names,
            ContainerNames& container_names) {
    ProxyForwarding forwarding;
    forwarding.proxy = "rootlesskit";
    const auto mapping = mapping_of(rootlesskit, held, forwarding.problem);
    if (!mapping) {
        forwarding.target = "an unknown port";
        rootlesskit.proxy = std::move(forwarding);
        return;
    }
    const auto port = mapping->child_port;
    forwarding.target = fmt::format("port {} of its child's network namespace", port);
    const auto namespace_fd =
        open_child_network_namespace(rootlesskit.pid, "rootlesskit", forwarding.problem);
    if (!namespace_fd.valid()) {
        rootlesskit.proxy = std::move(forwarding);
        return;
    }
    // Rootless Docker's docker-proxy holds that port in turn, and forwards to a container.
    const auto follow_docker_proxy = [&](ProcessIdentity& holder, const Listener& behind) {
        if (is_rootless_docker_proxy(holder)) {
            follow_rootless_docker_proxy(holder, behind, user_names, container_names);
        }
    };
    follow_port_in_namespace(namespace_fd.get(), held.transport, port,
                             "its child's network namespace", forwarding, user_names,
                             container_names, follow_docker_proxy);
    rootlesskit.proxy = std::move(forwarding);
}

}  // namespace

bool is_rootlesskit(const ProcessIdentity& holder) {
    return runs_packaged_executable(holder, {"rootlesskit"});
}

void follow_rootlesskits(std::vector<ObservedListener>& listeners, UserNames& user_names,
                         ContainerNames& container_names) {
    for (auto& listener : listeners) {
        for (auto& holder : listener.holders) {
            if (is_rootlesskit(holder)) {
                follow(holder, listener.socket, user_names, container_names);
            }
        }
    }
}

}  // namespace port_owner::linux_os
