// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the two parsers of text a container's creator influences: the Name member of Docker's
// config.v2.json (docker_container_name) and docker-proxy's command line
// (parse_docker_proxy_command_line). Both get the whole input.
//
// Properties of docker_container_name: a name it returns is one Docker accepts
// (is_container_name), and appears in the input as a whole JSON string, with or without its '/'.
// Properties of parse_docker_proxy_command_line: a target it returns has ports 1-65535 and a
// container address that is not a wildcard, and the command line written back from it in
// dockerd's form parses to the same target.

#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "core/container_name.hpp"
#include "core/proxy_command_line.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace port_owner;

void check_name(std::string_view text) {
    const auto name = docker_container_name(text);
    if (!name) {
        return;
    }
    FUZZ_CHECK(is_container_name(*name));
    FUZZ_CHECK(text.find(fmt::format("\"/{}\"", *name)) != std::string_view::npos ||
               text.find(fmt::format("\"{}\"", *name)) != std::string_view::npos);
}

void check_command_line(std::string_view text) {
    const auto target = parse_docker_proxy_command_line(text);
    if (!target) {
        return;
    }
    FUZZ_CHECK(target->host_port != 0 && target->container_port != 0);
    FUZZ_CHECK(!target->container_address.is_wildcard());
    auto written =
        fmt::format("docker-proxy -proto {} -host-port {} -container-ip {} -container-port {}",
                    transport_name(target->transport), target->host_port,
                    target->container_address.to_string(), target->container_port);
    if (target->host_address) {
        written += " -host-ip " + target->host_address->to_string();
    }
    const auto again = parse_docker_proxy_command_line(written);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->transport == target->transport && again->host_port == target->host_port &&
               again->host_address == target->host_address &&
               again->container_address == target->container_address &&
               again->container_port == target->container_port);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::as_text(data, size);
    check_name(text);
    check_command_line(text);
    return 0;
}
