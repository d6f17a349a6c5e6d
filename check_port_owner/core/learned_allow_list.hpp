// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner {

// Writes an allow-list file (the -C format) that describes the listeners present now: one section
// per protocol and port, allowing each holder's executable path; a listener whose holder could not
// be identified is allowed by its socket owner (`user:`). Ports inside the kernel's ephemeral
// range are marked `required = no`: they are usually short-lived client or RPC sockets that will
// not be there next time. Fed back with -C on the same host, the file gives OK.
std::string format_learned_allow_list(const std::vector<ObservedListener>& listeners,
                                      const PortRange& ephemeral_ports);

// `exe:` value for a path, written so that Boost's INI reader and the allow-entry parser read back
// exactly this path: glob characters are escaped for the glob match, and characters the file format
// cannot carry (`#`, `+`, control bytes, edge spaces) become the one-character wildcard `?`.
std::string executable_pattern(const std::string& path);

}  // namespace port_owner
