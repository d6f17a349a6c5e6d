// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace port_owner::windows_os {

// One request queue of the kernel HTTP server (HTTP.sys), as `netsh http show servicestate
// view=requestq` lists it. HTTP.sys opens the sockets (so Windows names pid 4, System, as their
// owner) and hands each request to the queue whose URL prefix matches; the processes attached to
// the queue answer it. IIS's worker processes (w3wp.exe) are started on demand, so an idle
// application pool's queue has no process attached, only its controller (WAS, in svchost.exe).
struct HttpRequestQueue {
    std::string name;  // "DefaultAppPool"; empty for an unnamed queue (HttpListener, WinRM, WCF)
    std::vector<std::uint32_t> process_ids;
    std::optional<std::uint32_t> controller_pid;
    // Whether process_ids is every attached process: netsh announced how many there are, and
    // that many were read. False means a process behind the queue may be missing from the list.
    bool processes_complete = false;
    std::vector<std::string> urls;  // as registered: "HTTP://+:80/", "HTTPS://*:443/app/"
};

// Pure: the request queues in that output. There is no documented API for this (HTTP.sys tells a
// process only about its own queues), so the text is all there is; its English labels are
// relied on ("Request queue name:", "Process IDs:" or "Processes:" with "ID: N, image: ...",
// "Controller process ID:", "Number of active processes attached:"), and URLs are recognised by
// their scheme wherever they are listed. nullopt when the text is not recognised (no output, an
// error, another language): then what is behind HTTP.sys is unknown, never "nothing".
std::optional<std::vector<HttpRequestQueue>> parse_http_request_queues(std::string_view text);

// The port of an HTTP.sys URL prefix: "HTTP://+:80/" is 80, "HTTP://[::1]:8080/" is 8080,
// "HTTP://127.0.0.1:8000:127.0.0.1/" (a prefix bound to one address) is 8000; without a port,
// the scheme's (80, 443). nullopt for anything else.
std::optional<std::uint16_t> http_url_port(std::string_view url);

// The queues with a URL on `port`: those HTTP.sys hands that port's requests to.
std::vector<const HttpRequestQueue*> queues_serving_port(
    const std::vector<HttpRequestQueue>& queues, std::uint16_t port);

}  // namespace port_owner::windows_os
