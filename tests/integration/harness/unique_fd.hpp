// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The tests own their descriptors with the plugin's own UniqueFd: one fd owner for both.
#include "linux/unique_fd.hpp"

namespace integration {

using port_owner::linux_os::UniqueFd;

}  // namespace integration
