// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/holder_description.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/output_widths.hpp"
#include "core/text_escape.hpp"

namespace port_owner {

std::string describe_holder(const ProcessIdentity& holder, int verbosity) {
    auto text = fmt::format("{} pid {} user {}", escape_text(holder.display_name(), name_width),
                            holder.pid, escape_text(holder.user, name_width));
    if (holder.executable) {
        text += fmt::format(" exe {}", escape_text(*holder.executable, path_width));
        if (holder.executable_deleted) {
            text += " (deleted)";
        } else if (holder.executable_file == ExecutableFileCheck::different_file) {
            text += " (not the file at that path here)";
        }
    } else {
        text += fmt::format(" exe unreadable ({})", escape_text(holder.executable_problem.empty()
                                                                    ? "unknown reason"
                                                                    : holder.executable_problem,
                                                                error_text_width));
    }
    if (holder.other_mount_namespace) {
        text += " mount namespace other than the plugin's";
    }
    if (!holder.unit.empty()) {
        text += fmt::format(" unit {}", escape_text(holder.unit, unit_width));
    }
    if (!holder.activation.socket_unit.empty()) {
        text += fmt::format(" for socket unit {}",
                            escape_text(holder.activation.socket_unit, unit_width));
        if (!holder.activation.service_running) {
            // Before activation, or for good with Accept=yes: what will run, not what runs.
            text +=
                " (held by systemd pid 1: exe, user and cmdline are the service's "
                "ExecStart= and User=)";
        }
    }
    if (!holder.services.empty()) {
        std::vector<std::string> services;
        for (const auto& service : holder.services) {
            services.push_back(escape_text(service, name_width));
        }
        text += fmt::format(" services {}", fmt::join(services, ","));
    }
    if (verbosity >= 1) {
        text += fmt::format(" ppid {} comm {}", holder.parent_pid,
                            escape_text(holder.comm, name_width));
        if (holder.command_line_known) {
            text += fmt::format(" cmdline '{}'",
                                escape_text(holder.command_line,
                                            verbosity >= 2 ? full_command_line_width : path_width));
        } else {
            text += " cmdline not read";
        }
    }
    return text;
}

std::string describe_address(const Listener& listener, AddressForm form) {
    auto text = listener.address.to_host_string();
    if (form == AddressForm::with_port) {
        text += fmt::format(":{}", listener.port);
    }
    return text;
}

}  // namespace port_owner
