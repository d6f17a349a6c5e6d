// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/socket_model.hpp"
#include "windows/http_request_queues.hpp"
#include "windows/process_identity_reader.hpp"

namespace port_owner::windows_os {

// The short name of the kernel HTTP server's service (`sc query http`): a rule allows the ports
// HTTP.sys serves with `service:HTTP`.
inline constexpr const char* http_sys_service = "HTTP";

// Reads one process's identity (ProcessIdentityReader::read on Windows).
using HolderReader = std::function<HolderReading(std::uint32_t pid)>;

// Pure: completes a TCP listener that the kernel (System, pid 4, its one holder) owns, from the
// request queues netsh listed (nullopt: netsh gave no usable answer).
// - A queue has a URL on its port: HTTP.sys serves it. System gets the service HTTP and says
//   which queues; every process behind them (attached workers, the controller) becomes a holder
//   too, so that each is judged: a rule allows them by name (w3wp), service (WAS) or path.
//   A process that cannot be read, or a process list netsh did not give in full, leaves the
//   holder list incomplete: never OK on what was not seen.
// - No queue has one: another kernel driver (SMB, NetBT) holds it; System gets no service.
// - Nothing known: System gets no service and says that what is behind it is unknown.
void explain_kernel_listener(ObservedListener& listener,
                             const std::optional<std::vector<HttpRequestQueue>>& queues,
                             const HolderReader& read_holder);

}  // namespace port_owner::windows_os
