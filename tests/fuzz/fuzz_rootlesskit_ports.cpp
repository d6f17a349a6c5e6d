// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the parsers of rootlesskit's API answer, which the user running rootlesskit controls:
// http_ok_body, parse_rootlesskit_ports (on the whole input and on the body), and
// rootlesskit_state_dir (its command line). Each gets the whole input.
//
// Properties: a body is a suffix of the answer; every spec has ports 1-65535 and a protocol;
// the specs written back as JSON (strings escaped) parse to the same specs; a state folder is
// non-empty and appears in the command line.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/rootlesskit_ports.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace port_owner;

using port_owner::fuzz::json_string;

bool same(const std::vector<RootlesskitPortSpec>& a, const std::vector<RootlesskitPortSpec>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].proto != b[i].proto || a[i].parent_ip != b[i].parent_ip ||
            a[i].parent_port != b[i].parent_port || a[i].child_ip != b[i].child_ip ||
            a[i].child_port != b[i].child_port) {
            return false;
        }
    }
    return true;
}

void check_ports(std::string_view text) {
    const auto specs = parse_rootlesskit_ports(text);
    if (!specs) {
        return;
    }
    std::string written = "[";
    for (const auto& spec : *specs) {
        FUZZ_CHECK(spec.parent_port != 0 && spec.child_port != 0);
        written += fmt::format(
            "{}{{\"id\":1,\"spec\":{{\"proto\":{},\"parentIP\":{},\"parentPort\":{},"
            "\"childIP\":{},\"childPort\":{}}}}}",
            written.size() > 1 ? "," : "", json_string(spec.proto), json_string(spec.parent_ip),
            spec.parent_port, json_string(spec.child_ip), spec.child_port);
    }
    written += "]";
    const auto again = parse_rootlesskit_ports(written);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(same(*specs, *again));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = port_owner::fuzz::as_text(data, size);
    if (const auto body = http_ok_body(text)) {
        FUZZ_CHECK(body->size() <= text.size() && text.substr(text.size() - body->size()) == *body);
        check_ports(*body);
    }
    check_ports(text);
    if (const auto folder = rootlesskit_state_dir(text)) {
        FUZZ_CHECK(!folder->empty() && text.find(*folder) != std::string_view::npos);
    }
    return 0;
}
