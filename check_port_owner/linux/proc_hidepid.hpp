// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace port_owner::linux_os {

// The hidepid= option of the procfs mounted on /proc, from the text of /proc/self/mountinfo:
// "1"/"noaccess", "2"/"invisible", "4"/"ptraceable", or "" when /proc shows every process (0,
// "off", or no option). With hidepid a reader without privilege may not even see the processes
// that hold a socket, so an empty scan proves nothing.
std::string proc_hidepid_option(std::string_view mountinfo);

// Reads /proc/self/mountinfo; "" when it cannot be read.
std::string current_proc_hidepid_option();

}  // namespace port_owner::linux_os
