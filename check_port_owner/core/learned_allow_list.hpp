// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

#include "core/ephemeral_ports.hpp"
#include "core/match_conventions.hpp"
#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner {

// Writes an allow-list file (the -C format) that describes the listeners present now: one section
// per protocol and port, allowing each holder's executable path; a listener whose holder could not
// be identified is allowed by its socket owner (`user:`). Where processes host services
// (Windows), a svchost.exe holder is allowed by the services it hosts (`service:`) rather than by
// its path, which every svchost shares. Ports the kernel hands out (in its ephemeral range and not
// reserved) are marked `required = no`: they are usually short-lived client or RPC sockets that
// will not be there next time; a comment warns that a service's port there can be taken by an
// outgoing connection and says how to reserve it. Fed back with -C on the same host, the file
// gives OK.
std::string format_learned_allow_list(const std::vector<ObservedListener>& listeners,
                                      const EphemeralPorts& ephemeral_ports,
                                      const MatchConventions& conventions);

// `exe:` value for a path, written so that Boost's INI reader and the allow-entry parser read back
// exactly this path under `conventions`: glob characters are escaped for the glob match (with
// '\' on Linux; in a one-byte set, "[*]", where '\' separates paths and escapes nothing), and
// characters the file format cannot carry (`#`, `+`, control bytes, edge spaces) become the
// one-character wildcard `?`.
std::string executable_pattern(const std::string& path, const MatchConventions& conventions);

}  // namespace port_owner
