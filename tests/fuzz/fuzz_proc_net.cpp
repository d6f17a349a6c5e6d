// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the /proc/net/{tcp,tcp6,udp,udp6} table parser.
//
// Input: one control byte (bit 0: UDP, bit 1: IPv6, bit 2: net.ipv6.bindv6only), then the table.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "linux/proc_net_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace port_owner;
    if (size == 0) {
        return 0;
    }
    const auto transport = (data[0] & 1) != 0 ? Transport::udp : Transport::tcp;
    const auto family = (data[0] & 2) != 0 ? Family::ipv6 : Family::ipv4;
    const auto socket_default = (data[0] & 4) != 0 ? linux_os::Ipv6SocketDefault::ipv6_only
                                                   : linux_os::Ipv6SocketDefault::dual_stack;
    const auto text = fuzz::as_text(data + 1, size - 1);

    const auto listeners = linux_os::parse_proc_net_table(text, transport, family, socket_default);
    // A listener needs a line of at least ten fields.
    FUZZ_CHECK(listeners.size() <= text.size() / 20 + 1);
    for (const auto& listener : listeners) {
        FUZZ_CHECK(listener.transport == transport);
        if (family == Family::ipv4) {
            FUZZ_CHECK(listener.address.family() == Family::ipv4);
        }
        // IPv4-mapped addresses in the IPv6 tables come out as IPv4, which has no v6only.
        FUZZ_CHECK(listener.v6only == (listener.address.family() == Family::ipv6 &&
                                       socket_default == linux_os::Ipv6SocketDefault::ipv6_only));
        (void)listener.address.to_host_string();
    }
    return 0;
}
