// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <initializer_list>
#include <string_view>

#include "core/socket_model.hpp"

namespace port_owner::linux_os {

// Whether a holder runs a container engine's program as a package installs it, judged by what the
// holder cannot forge: the file that runs has one of `names`, lies in a folder where packages
// install such programs (/usr/bin, /usr/sbin, /usr/libexec/docker, /usr/libexec/podman,
// /usr/lib/podman, /usr/local/bin, /usr/local/sbin), is the very file at that path in the plugin's
// mount namespace, belongs to root and is writable by nobody else. Only root can put a file there;
// any other process calling itself so is an ordinary holder.
bool runs_packaged_executable(const ProcessIdentity& holder,
                              std::initializer_list<std::string_view> names);

}  // namespace port_owner::linux_os
