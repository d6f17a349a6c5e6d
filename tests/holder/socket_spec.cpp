// SPDX-License-Identifier: GPL-3.0-or-later
#include "socket_spec.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/core.h>

namespace port_holder {
namespace {

struct Protocol {
    Transport transport;
    int family;
};

Protocol parse_protocol(std::string_view word, std::string_view spec) {
    if (word == "tcp4")
        return {Transport::tcp, AF_INET};
    if (word == "tcp6")
        return {Transport::tcp, AF_INET6};
    if (word == "udp4")
        return {Transport::udp, AF_INET};
    if (word == "udp6")
        return {Transport::udp, AF_INET6};
    throw std::invalid_argument(
        fmt::format("socket '{}': protocol '{}' is not tcp4, tcp6, udp4 or udp6", spec, word));
}

in_port_t parse_port(std::string_view digits, std::string_view spec) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() ||
        value == 0 || value > 65535) {
        throw std::invalid_argument(
            fmt::format("socket '{}': port '{}' is not a number from 1 to 65535", spec, digits));
    }
    return htons(static_cast<in_port_t>(value));
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos)
            return parts;
        text.remove_prefix(at + 1);
    }
}

// Splits "ADDR:PORT" or "[ADDR]:PORT" at the colon that precedes the port.
std::pair<std::string_view, std::string_view> split_address_and_port(std::string_view endpoint,
                                                                     int family,
                                                                     std::string_view spec) {
    if (family == AF_INET6) {
        const auto close = endpoint.find("]:");
        if (!endpoint.starts_with('[') || close == std::string_view::npos) {
            throw std::invalid_argument(fmt::format(
                "socket '{}': an IPv6 address is written in brackets, e.g. [::]:80", spec));
        }
        return {endpoint.substr(1, close - 1), endpoint.substr(close + 2)};
    }
    const auto colon = endpoint.rfind(':');
    if (colon == std::string_view::npos) {
        throw std::invalid_argument(fmt::format("socket '{}': expected ADDR:PORT", spec));
    }
    return {endpoint.substr(0, colon), endpoint.substr(colon + 1)};
}

// Fills `target` (of the family already in target.ss_family) and returns its length.
socklen_t fill_address(sockaddr_storage& target, std::string_view address, in_port_t port,
                       std::string_view spec) {
    const std::string address_text(address);
    if (target.ss_family == AF_INET) {
        sockaddr_in v4{};
        v4.sin_family = AF_INET;
        v4.sin_port = port;
        if (inet_pton(AF_INET, address_text.c_str(), &v4.sin_addr) != 1) {
            throw std::invalid_argument(
                fmt::format("socket '{}': '{}' is not an IPv4 address", spec, address));
        }
        std::memcpy(&target, &v4, sizeof v4);
        return sizeof v4;
    }
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = port;
    if (inet_pton(AF_INET6, address_text.c_str(), &v6.sin6_addr) != 1) {
        throw std::invalid_argument(
            fmt::format("socket '{}': '{}' is not an IPv6 address", spec, address));
    }
    std::memcpy(&target, &v6, sizeof v6);
    return sizeof v6;
}

void apply_option(SocketSpec& socket, std::string_view option, std::string_view spec) {
    if (option == "reuseport") {
        socket.reuseport = true;
        return;
    }
    if (option == "reuseaddr") {
        socket.reuseaddr = true;
        return;
    }
    if (option.starts_with("connect=")) {
        sockaddr_storage peer{};
        peer.ss_family = socket.address.ss_family;
        const auto [address, port] =
            split_address_and_port(option.substr(sizeof "connect=" - 1), peer.ss_family, spec);
        fill_address(peer, address, parse_port(port, spec), spec);
        socket.peer = peer;
        return;
    }
    if (option == "nolisten") {
        if (socket.transport != Transport::tcp) {
            throw std::invalid_argument(
                fmt::format("socket '{}': nolisten applies to tcp4 and tcp6 sockets only", spec));
        }
        socket.no_listen = true;
        return;
    }
    if (option == "v6only=on" || option == "v6only=off") {
        if (socket.family() != AF_INET6) {
            throw std::invalid_argument(
                fmt::format("socket '{}': v6only applies to tcp6 and udp6 sockets only", spec));
        }
        socket.v6only = option == "v6only=on";
        return;
    }
    throw std::invalid_argument(
        fmt::format("socket '{}': option '{}' is not reuseport, reuseaddr, v6only=on, v6only=off, "
                    "connect=ADDR:PORT or nolisten",
                    spec, option));
}

}  // namespace

SocketSpec parse_socket_spec(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        throw std::invalid_argument(fmt::format("socket '{}': expected PROTO/ADDR:PORT", text));
    }
    const Protocol protocol = parse_protocol(text.substr(0, slash), text);

    const auto fields = split(text.substr(slash + 1), ',');
    SocketSpec socket;
    socket.text = std::string(text);
    socket.transport = protocol.transport;
    socket.address.ss_family = static_cast<sa_family_t>(protocol.family);

    const auto [address, port] = split_address_and_port(fields.front(), protocol.family, text);
    socket.address_length = fill_address(socket.address, address, parse_port(port, text), text);
    for (std::size_t i = 1; i < fields.size(); ++i) {
        apply_option(socket, fields[i], text);
    }
    return socket;
}

}  // namespace port_holder
