// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/socket_model.hpp"

namespace port_owner {

// One port rootlesskit forwards (its port driver's PortSpec), as its API socket lists it:
// `{"id":1,"spec":{"proto":"tcp","parentIP":"0.0.0.0","parentPort":8080,"childIP":"",
// "childPort":80}}`. The parent side is the listener rootlesskit holds in the host's network
// namespace; the child side is where it connects in its child's network namespace.
struct RootlesskitPortSpec {
    std::string proto;      // tcp, tcp4, tcp6, udp, udp4, udp6
    std::string parent_ip;  // empty or a wildcard: every address of the family
    std::uint16_t parent_port = 0;
    std::string child_ip;  // empty: rootlesskit connects to 127.0.0.1
    std::uint16_t child_port = 0;
};

// The body of an HTTP/1.0 answer read to its end: the status must be 200 and the body unchunked
// (rootlesskit's Go server answers an HTTP/1.0 request so). nullopt otherwise.
std::optional<std::string_view> http_ok_body(std::string_view answer);

// The specs of a `GET /v1/ports` body: a JSON array of objects, each with a "spec" object.
// Minimal JSON (objects, arrays, strings with escapes, numbers, true/false/null; nesting at most
// 16 deep); unknown fields are skipped. nullopt when the text is not such JSON, a spec lacks
// proto, parentPort or childPort, or a port is not 1-65535. The answer is the word of the user
// running rootlesskit, so nothing in it is trusted beyond its form.
std::optional<std::vector<RootlesskitPortSpec>> parse_rootlesskit_ports(std::string_view body);

// Whether `spec` is the mapping the listener rootlesskit holds serves: same transport (the
// proto's 4/6 suffix fixing the family), same port, and the same address (an empty or wildcard
// parentIP: a wildcard listener; Go listens on [::] for "tcp" with 0.0.0.0, so a wildcard of
// either family).
bool rootlesskit_spec_serves(const RootlesskitPortSpec& spec, const Listener& held);

// The folder of rootlesskit's API socket (DIR/api.sock), from its command line (arguments joined
// by single spaces): `--state-dir DIR` or `--state-dir=DIR` (one dash too: Go's flags). nullopt
// when absent (rootlesskit then made a temporary folder) or given twice. The command line is the
// user's word: the socket found there is then checked to be rootlesskit's own (its peer).
std::optional<std::string> rootlesskit_state_dir(std::string_view command_line);

}  // namespace port_owner
