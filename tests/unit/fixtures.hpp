// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small builders shared by the unit tests: listeners, processes and observed listeners as the
// inventory would report them. No OS access.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8_check.hpp"
#include "core/ip_address.hpp"
#include "core/match_conventions.hpp"
#include "core/socket_model.hpp"

namespace port_owner::test_support {

inline IpAddress address(std::string_view text) {
    const auto parsed = IpAddress::parse(text);
    if (!parsed) {
        throw std::invalid_argument("test fixture: bad address " + std::string(text));
    }
    return *parsed;
}

// The naming conventions of each platform, for the verdict and allow-entry matching.
inline const MatchConventions on_linux = MatchConventions::for_linux();
inline const MatchConventions on_windows = MatchConventions::for_windows();

inline Listener listener(Transport transport, std::string_view bind_address, std::uint16_t port,
                         bool v6only = false, std::uint64_t inode = 1000,
                         std::uint32_t socket_uid = 0, std::string socket_user = "root") {
    Listener socket;
    socket.transport = transport;
    socket.address = address(bind_address);
    socket.port = port;
    socket.v6only = v6only;
    socket.inode = inode;
    socket.socket_uid = socket_uid;
    socket.socket_user = std::move(socket_user);
    return socket;
}

inline Listener tcp(std::string_view bind_address, std::uint16_t port, bool v6only = false) {
    return listener(Transport::tcp, bind_address, port, v6only);
}

inline Listener udp(std::string_view bind_address, std::uint16_t port, bool v6only = false) {
    return listener(Transport::udp, bind_address, port, v6only);
}

inline ProcessIdentity process(std::string comm, std::optional<std::string> executable,
                               int pid = 100, std::uint32_t uid = 0, std::string user = "root") {
    ProcessIdentity identity;
    identity.pid = pid;
    identity.parent_pid = 1;
    identity.comm = std::move(comm);
    identity.executable = std::move(executable);
    // The ordinary case: the path names the file that runs. Tests of the other cases say so.
    identity.executable_file =
        identity.executable ? ExecutableFileCheck::same_file : ExecutableFileCheck::unknown;
    identity.uid = uid;
    identity.user = std::move(user);
    identity.command_line = identity.executable.value_or(identity.comm);
    return identity;
}

inline ProcessIdentity nginx(int pid = 901) {
    auto identity = process("nginx", "/usr/sbin/nginx", pid);
    identity.command_line =
        "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;";
    identity.unit = "nginx.service";
    return identity;
}

// A Windows process as the Windows inventory reports it: the full image path, DOMAIN\name and
// SID from the token, the services it hosts. comm has no Windows meaning; it is the image name.
inline ProcessIdentity windows_process(std::string image, int pid,
                                       std::string user = "NT AUTHORITY\\SYSTEM",
                                       std::string sid = "S-1-5-18",
                                       std::vector<std::string> services = {}) {
    const auto slash = image.find_last_of("\\/");
    auto identity = process(image.substr(slash == std::string::npos ? 0 : slash + 1), image, pid, 0,
                            std::move(user));
    identity.user_sid = std::move(sid);
    identity.services = std::move(services);
    return identity;
}

inline ObservedListener observed(Listener socket, std::vector<ProcessIdentity> holders = {},
                                 bool holders_complete = true, std::string problem = {}) {
    ObservedListener result;
    result.socket = std::move(socket);
    result.holders = std::move(holders);
    result.holders_complete = holders_complete;
    result.attribution_problem = std::move(problem);
    return result;
}

using test_common::is_valid_utf8;

inline std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        lines.emplace_back(text.substr(0, newline));
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    }
    return lines;
}

}  // namespace port_owner::test_support
