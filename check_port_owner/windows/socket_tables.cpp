// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/socket_tables.hpp"

// winsock2.h before windows.h (which would pull in the old winsock.h), iphlpapi.h after both.
#include <winsock2.h>

#include <windows.h>

#include <iphlpapi.h>
#include <ws2tcpip.h>

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "inventory/inventory.hpp"

namespace port_owner::windows_os {
namespace {

// The table can grow between the call that sizes it and the call that fills it; a few rounds
// settle it on any real host.
constexpr int max_table_attempts = 5;

// Ports are in network byte order in the low 16 bits of a DWORD.
std::uint16_t port_from_row(DWORD network_order) {
    return static_cast<std::uint16_t>(((network_order & 0xff) << 8) |
                                      ((network_order >> 8) & 0xff));
}

IpAddress ipv4_from_row(DWORD network_order) {
    std::array<std::uint8_t, 4> bytes{};
    std::memcpy(bytes.data(), &network_order, bytes.size());
    return IpAddress::ipv4(bytes);
}

IpAddress ipv6_from_row(const UCHAR (&raw)[16]) {
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), raw, bytes.size());
    return IpAddress::ipv6(bytes);
}

bool wanted(std::uint16_t port, const std::vector<PortRange>& ports) {
    return ports.empty() || std::any_of(ports.begin(), ports.end(), [&](const PortRange& range) {
               return range.contains(port);
           });
}

// Calls `fetch(buffer, size)` (one of the GetExtended*Table functions) until the whole table fits.
template <typename Fetch>
std::vector<unsigned char> read_table(const char* what, Fetch fetch) {
    ULONG size = 0;
    std::vector<unsigned char> buffer;
    for (int attempt = 0; attempt < max_table_attempts; ++attempt) {
        const DWORD result = fetch(buffer.empty() ? nullptr : buffer.data(), &size);
        if (result == NO_ERROR) {
            return buffer;
        }
        if (result != ERROR_INSUFFICIENT_BUFFER) {
            throw InventoryError(fmt::format("{} failed with error {}", what, result));
        }
        // Room for a few more rows that may appear before the next call.
        buffer.resize(size + size / 8 + 1024);
        size = static_cast<ULONG>(buffer.size());
    }
    throw InventoryError(fmt::format("{}: the table kept growing while it was read", what));
}

// One table's rows, whatever its row type: they share the field names Windows gives them.
template <typename Table, typename AddressOf>
void add_rows(const std::vector<unsigned char>& buffer, Transport transport, AddressOf address_of,
              const std::vector<PortRange>& ports, std::vector<OwnedListener>& out) {
    const auto* rows = reinterpret_cast<const Table*>(buffer.data());
    for (DWORD i = 0; i < rows->dwNumEntries; ++i) {
        const auto& row = rows->table[i];
        OwnedListener listener;
        listener.socket.transport = transport;
        listener.socket.address = address_of(row);
        listener.socket.port = port_from_row(row.dwLocalPort);
        listener.owner_pid = row.dwOwningPid;
        listener.created = static_cast<std::uint64_t>(row.liCreateTimestamp.QuadPart);
        if (wanted(listener.socket.port, ports)) {
            out.push_back(std::move(listener));
        }
    }
}

const auto ipv4_of_row = [](const auto& row) { return ipv4_from_row(row.dwLocalAddr); };
const auto ipv6_of_row = [](const auto& row) { return ipv6_from_row(row.ucLocalAddr); };

void add_tcp(int family, const std::vector<PortRange>& ports, std::vector<OwnedListener>& out) {
    const auto table = read_table("GetExtendedTcpTable", [&](void* buffer, ULONG* size) {
        return ::GetExtendedTcpTable(buffer, size, FALSE, family, TCP_TABLE_OWNER_MODULE_LISTENER,
                                     0);
    });
    if (family == AF_INET) {
        add_rows<MIB_TCPTABLE_OWNER_MODULE>(table, Transport::tcp, ipv4_of_row, ports, out);
    } else {
        add_rows<MIB_TCP6TABLE_OWNER_MODULE>(table, Transport::tcp, ipv6_of_row, ports, out);
    }
}

void add_udp(int family, const std::vector<PortRange>& ports, std::vector<OwnedListener>& out) {
    const auto table = read_table("GetExtendedUdpTable", [&](void* buffer, ULONG* size) {
        return ::GetExtendedUdpTable(buffer, size, FALSE, family, UDP_TABLE_OWNER_MODULE, 0);
    });
    if (family == AF_INET) {
        add_rows<MIB_UDPTABLE_OWNER_MODULE>(table, Transport::udp, ipv4_of_row, ports, out);
    } else {
        add_rows<MIB_UDP6TABLE_OWNER_MODULE>(table, Transport::udp, ipv6_of_row, ports, out);
    }
}

}  // namespace

std::vector<OwnedListener> list_listeners(Transport transport,
                                          const std::vector<PortRange>& ports) {
    std::vector<OwnedListener> listeners;
    for (const int family : {AF_INET, AF_INET6}) {
        if (transport == Transport::tcp) {
            add_tcp(family, ports, listeners);
        } else {
            add_udp(family, ports, listeners);
        }
    }
    for (auto& listener : listeners) {
        // The tables do not show IPV6_V6ONLY: whether a [::] listener also serves IPv4 is
        // unknown (Windows' default is v6only, but a program may turn it off).
        listener.socket.v6only = true;
        listener.socket.v6only_known = listener.socket.address.family() == Family::ipv4;
        listener.socket.socket_owner_known = false;
        listener.socket.socket_user = "unknown";
    }
    return listeners;
}

}  // namespace port_owner::windows_os
