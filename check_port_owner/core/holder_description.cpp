// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/holder_description.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/output_widths.hpp"
#include "core/text_escape.hpp"

namespace port_owner {
namespace {

// Whether a process's container is named with it, or was named before (the holders behind a
// proxy follow `container web (...)`).
enum class ContainerNamed { here, already };

std::string describe_process(const ProcessIdentity& holder, int verbosity, ContainerNamed named);

// The holders behind a proxy, one after the other; a proxy among them (rootless Docker's
// docker-proxy behind rootlesskit) says where it forwards in turn.
std::string describe_behind(const ProxyForwarding& forwarding, int verbosity) {
    std::vector<std::string> parts;
    const auto& named = forwarding.holders.front().container;
    for (const auto& inside : forwarding.holders) {
        // The container is named once, before the holders, as long as they share it.
        const bool said = named && inside.container && inside.container->id == named->id;
        parts.push_back(describe_process(inside, verbosity,
                                         said ? ContainerNamed::already : ContainerNamed::here));
    }
    return fmt::format("{}", fmt::join(parts, "; "));
}

std::string describe_forwarding(const ProxyForwarding& forwarding, int verbosity) {
    auto text = fmt::format(" -> {}", escape_text(forwarding.target, name_width));
    if (!forwarding.problem.empty() || forwarding.holders.empty()) {
        // Why is the verdict's to say where it matters; verbose output says it anyway.
        return verbosity >= 1 ? text + fmt::format(" (not followed: {})",
                                                   escape_text(forwarding.problem, reason_width))
                              : text + " (not followed)";
    }
    const auto& first = forwarding.holders.front();
    if (first.container) {
        text += ' ';
        text += describe_container(*first.container);
    }
    return text + ": " + describe_behind(forwarding, verbosity);
}

std::string describe_process(const ProcessIdentity& holder, int verbosity, ContainerNamed named) {
    auto text = fmt::format("{} pid {} user {}", escape_text(holder.display_name(), name_width),
                            holder.pid, escape_text(holder.user, name_width));
    if (holder.executable) {
        text += fmt::format(" exe {}", escape_text(*holder.executable, path_width));
        // A container's paths are its own: exe: is checked against its file system, not ours.
        const bool container_paths = holder.container && holder.container->own_paths;
        if (holder.executable_deleted) {
            text += " (deleted)";
        } else if (holder.executable_file == ExecutableFileCheck::different_file) {
            text += container_paths ? " (not the file at that path in the container)"
                                    : " (not the file at that path here)";
        } else if (container_paths) {
            text += " (path in the container)";
        }
    } else {
        text += fmt::format(" exe unreadable ({})", escape_text(holder.executable_problem.empty()
                                                                    ? "unknown reason"
                                                                    : holder.executable_problem,
                                                                error_text_width));
    }
    if (holder.other_mount_namespace && !(holder.container && holder.container->own_paths)) {
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
    if (holder.container && named == ContainerNamed::here) {
        text += ' ';
        text += describe_container(*holder.container);
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
    if (holder.proxy) {
        text += describe_forwarding(*holder.proxy, verbosity);
    }
    return text;
}

}  // namespace

std::string describe_container(const ContainerIdentity& container) {
    return container.name.empty()
               ? fmt::format("container {}", container.short_id())
               : fmt::format("container {} ({})", escape_text(container.name, name_width),
                             container.short_id());
}

std::string describe_holder_briefly(const ProcessIdentity& holder) {
    const auto plain = [](const ProcessIdentity& process) {
        auto text =
            fmt::format("{} (pid {}, user {})", escape_text(process.display_name(), name_width),
                        process.pid, escape_text(process.user, name_width));
        if (process.container) {
            text += " in " + describe_container(*process.container);
        }
        return text;
    };
    if (!holder.proxy) {
        return plain(holder);
    }
    const auto& forwarding = *holder.proxy;
    auto text =
        fmt::format("{} (pid {}) -> ", escape_text(holder.display_name(), name_width), holder.pid);
    if (!forwarding.problem.empty() || forwarding.holders.empty()) {
        return text + escape_text(forwarding.target, name_width) + " (not followed)";
    }
    const auto& inside = forwarding.holders.front();
    if (inside.proxy) {
        return text + describe_holder_briefly(inside);
    }
    if (inside.container) {
        text += describe_container(*inside.container) + ": ";
    }
    text += fmt::format("{} (pid {}, user {})", escape_text(inside.display_name(), name_width),
                        inside.pid, escape_text(inside.user, name_width));
    if (forwarding.holders.size() > 1) {
        text += fmt::format(" and {} more", forwarding.holders.size() - 1);
    }
    return text;
}

std::string describe_holder(const ProcessIdentity& holder, int verbosity) {
    return describe_process(holder, verbosity, ContainerNamed::here);
}

std::string describe_address(const Listener& listener, AddressForm form) {
    auto text = listener.address.to_host_string();
    if (form == AddressForm::with_port) {
        text += fmt::format(":{}", listener.port);
    }
    return text;
}

}  // namespace port_owner
