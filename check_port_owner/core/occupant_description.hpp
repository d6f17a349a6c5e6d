// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

#include "core/port_occupant.hpp"

namespace port_owner {

// What occupies a port nobody listens on, for the first line, where the admin reads on a phone:
// ` (in use by python3 pid 4242: bound, not listening)`, ` (in use: connection TIME-WAIT, no
// process)`, with ` and N more`; empty when nothing does. Every field is escaped.
std::string occupation_summary(const Occupation& occupation);

// The same for the rule's long-output line: how many sockets, the hint when the kernel hands out
// the port, then each occupant (a few, then a count) with its address, the other end and state of
// a connection, and its holder or why none could be named. Starts with `; in use`; empty when
// nothing occupies the port.
std::string occupation_detail(const Occupation& occupation, int verbosity);

}  // namespace port_owner
