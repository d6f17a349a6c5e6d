// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace integration {

// Moves the calling process into a new, empty network namespace and brings its loopback interface
// up, so that 127.0.0.1 and ::1 are bindable and no listener of the host, or of a test running in
// parallel, is visible. Needs CAP_SYS_ADMIN (root). Throws std::system_error naming the step.
void enter_private_network_namespace();

}  // namespace integration
