// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "socket_spec.hpp"

namespace port_holder {

// Creates the socket described by `spec`, applies its options, binds it and, for TCP, listens;
// a UDP socket with a peer is then connected to it.
// Returns the descriptor, which the holder keeps open until it exits.
// Throws std::system_error naming the failed step and the socket.
int open_bound_socket(const SocketSpec& spec);

}  // namespace port_holder
