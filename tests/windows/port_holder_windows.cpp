// SPDX-License-Identifier: GPL-3.0-or-later
//
// port_holder_windows: a Windows program that holds TCP and UDP ports for the Windows tests.
// The tests copy it under the names the check must report (inetinfo.exe, rogue.exe): under
// wine, only sockets of Windows programs in the same prefix are visible, so the holder must be
// one.
//
//   port_holder_windows SPEC...     SPEC = tcp4:ADDR:PORT | udp4:ADDR:PORT
//                                        | tcp6:[ADDR]:PORT | udp6:[ADDR]:PORT
//
// For each SPEC, in order, it binds (and for TCP listens) and prints
//   ready SPEC pid=PID             SPEC with the port actually bound (PORT 0 picks a free one)
// If one fails it prints
//   failed SPEC STEP WSAERROR      e.g. "failed tcp4:127.0.0.1:80 bind 10048" (WSAEADDRINUSE)
// and exits with 1, closing everything it opened; a bad SPEC exits with 2. Otherwise it holds
// the ports until its standard input reaches end of file, or until it is killed.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <fcntl.h>
#include <io.h>

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr int kExitSocketFailed = 1;
constexpr int kExitUsage = 2;

struct SocketSpec {
    bool tcp = true;
    sockaddr_storage address{};
    int address_length = 0;
};

std::optional<unsigned short> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5)
        return std::nullopt;
    unsigned value = 0;
    for (const char digit : text) {
        if (digit < '0' || digit > '9')
            return std::nullopt;
        value = value * 10 + static_cast<unsigned>(digit - '0');
    }
    if (value > 65535)
        return std::nullopt;
    return static_cast<unsigned short>(value);
}

std::optional<SocketSpec> parse_spec(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const std::string_view kind = text.substr(0, colon);
    std::string_view rest = text.substr(colon + 1);

    SocketSpec spec;
    spec.tcp = kind.starts_with("tcp");
    if (kind != "tcp4" && kind != "udp4" && kind != "tcp6" && kind != "udp6")
        return std::nullopt;
    const bool ipv6 = kind.ends_with('6');

    // IPv6 addresses are bracketed so that their colons are not taken for the port's.
    std::string host;
    if (ipv6) {
        const auto close = rest.find("]:");
        if (!rest.starts_with('[') || close == std::string_view::npos)
            return std::nullopt;
        host = rest.substr(1, close - 1);
        rest = rest.substr(close + 2);
    } else {
        const auto last = rest.rfind(':');
        if (last == std::string_view::npos)
            return std::nullopt;
        host = rest.substr(0, last);
        rest = rest.substr(last + 1);
    }
    const auto port = parse_port(rest);
    if (!port)
        return std::nullopt;

    if (ipv6) {
        auto& in6 = reinterpret_cast<sockaddr_in6&>(spec.address);
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(*port);
        if (inet_pton(AF_INET6, host.c_str(), &in6.sin6_addr) != 1)
            return std::nullopt;
        spec.address_length = sizeof in6;
    } else {
        auto& in4 = reinterpret_cast<sockaddr_in&>(spec.address);
        in4.sin_family = AF_INET;
        in4.sin_port = htons(*port);
        if (inet_pton(AF_INET, host.c_str(), &in4.sin_addr) != 1)
            return std::nullopt;
        spec.address_length = sizeof in4;
    }
    return spec;
}

// The address the socket really has, in SPEC syntax: with port 0 the test learns the port.
std::string describe(SOCKET socket_handle, bool tcp) {
    sockaddr_storage address{};
    int length = sizeof address;
    if (getsockname(socket_handle, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return "?";
    char host[INET6_ADDRSTRLEN] = "?";
    std::string text = tcp ? "tcp" : "udp";
    if (address.ss_family == AF_INET6) {
        const auto& in6 = reinterpret_cast<const sockaddr_in6&>(address);
        inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
        text += "6:[" + std::string(host) + "]:" + std::to_string(ntohs(in6.sin6_port));
    } else {
        const auto& in4 = reinterpret_cast<const sockaddr_in&>(address);
        inet_ntop(AF_INET, &in4.sin_addr, host, sizeof host);
        text += "4:" + std::string(host) + ":" + std::to_string(ntohs(in4.sin_port));
    }
    return text;
}

// Blocks until standard input ends: the test's way to stop the holder without killing it.
void wait_for_end_of_input() {
    char buffer[256];
    while (std::fread(buffer, 1, sizeof buffer, stdin) > 0) {
    }
}

}  // namespace

int main(int argc, char** argv) {
    // msvcrt turns "\n" into "\r\n" in text mode; the tests compare lines as on Linux.
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stdin), _O_BINARY);

    std::vector<SocketSpec> specs;
    for (int i = 1; i < argc; ++i) {
        const auto spec = parse_spec(argv[i]);
        if (!spec) {
            std::fprintf(stderr,
                         "port_holder_windows: bad socket '%s' (want e.g. "
                         "tcp4:127.0.0.1:8080 or udp6:[::1]:5353)\n",
                         argv[i]);
            return kExitUsage;
        }
        specs.push_back(*spec);
    }
    if (specs.empty()) {
        std::fprintf(stderr, "usage: port_holder_windows tcp4|udp4|tcp6|udp6:ADDR:PORT...\n");
        return kExitUsage;
    }

    WSADATA wsa_data;
    if (const int error = WSAStartup(MAKEWORD(2, 2), &wsa_data); error != 0) {
        std::printf("failed - WSAStartup %d\n", error);
        return kExitSocketFailed;
    }

    // No SO_REUSEADDR or SO_EXCLUSIVEADDRUSE: the defaults, as a program like IIS meets them,
    // so that a second bind of a held port fails with WSAEADDRINUSE (10048).
    std::vector<SOCKET> held;
    for (int i = 0; i < static_cast<int>(specs.size()); ++i) {
        const SocketSpec& spec = specs[static_cast<std::size_t>(i)];
        const char* step = "socket";
        SOCKET socket_handle = socket(spec.address.ss_family, spec.tcp ? SOCK_STREAM : SOCK_DGRAM,
                                      spec.tcp ? IPPROTO_TCP : IPPROTO_UDP);
        bool ok = socket_handle != INVALID_SOCKET;
        if (ok) {
            step = "bind";
            ok = bind(socket_handle, reinterpret_cast<const sockaddr*>(&spec.address),
                      spec.address_length) == 0;
        }
        if (ok && spec.tcp) {
            step = "listen";
            ok = listen(socket_handle, SOMAXCONN) == 0;
        }
        if (!ok) {
            const int error = WSAGetLastError();
            std::printf("failed %s %s %d\n", argv[i + 1], step, error);
            std::fflush(stdout);
            if (socket_handle != INVALID_SOCKET)
                closesocket(socket_handle);
            for (const SOCKET other : held)
                closesocket(other);
            WSACleanup();
            return kExitSocketFailed;
        }
        held.push_back(socket_handle);
        std::printf("ready %s pid=%lu\n", describe(socket_handle, spec.tcp).c_str(),
                    GetCurrentProcessId());
        std::fflush(stdout);
    }

    wait_for_end_of_input();
    for (const SOCKET socket_handle : held)
        closesocket(socket_handle);
    WSACleanup();
    return 0;
}
