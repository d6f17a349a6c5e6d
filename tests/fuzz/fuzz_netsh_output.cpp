// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the Windows platform's parsers of netsh's output: the HTTP.sys request queues, the ports
// of their URLs, and the excluded port ranges. Pure code, so it is fuzzed on Linux.
//
// Input: one control byte (bit 0: the excluded-port table instead of the request queues), two
// bytes of a port (big-endian), then netsh's text.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "windows/excluded_port_ranges.hpp"
#include "windows/http_request_queues.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace port_owner::windows_os;
    if (size < 3) {
        return 0;
    }
    const bool exclusions = (data[0] & 1) != 0;
    const auto port = static_cast<std::uint16_t>(data[1] << 8 | data[2]);
    const auto text = port_owner::fuzz::as_text(data + 3, size - 3);

    if (exclusions) {
        if (const auto rows = parse_excluded_port_ranges(text)) {
            for (const auto& row : *rows) {
                FUZZ_CHECK(row.ports.low <= row.ports.high);
            }
        }
        return 0;
    }
    const auto queues = parse_http_request_queues(text);
    if (!queues) {
        return 0;
    }
    for (const auto& queue : *queues) {
        // A complete list holds each process once.
        for (std::size_t i = 1; i < queue.process_ids.size(); ++i) {
            FUZZ_CHECK(queue.process_ids[i - 1] < queue.process_ids[i]);
        }
        for (const auto& url : queue.urls) {
            FUZZ_CHECK(url.size() >= 7);
            if (const auto url_port = http_url_port(url)) {
                FUZZ_CHECK(*url_port != 0);
            }
        }
    }
    for (const auto* queue : queues_serving_port(*queues, port)) {
        bool found = false;
        for (const auto& url : queue->urls) {
            found = found || http_url_port(url) == port;
        }
        FUZZ_CHECK(found);
    }
    return 0;
}
