// SPDX-License-Identifier: GPL-3.0-or-later
// The platform interface on Linux: thin wiring of the linux/ pieces. The supervisor is in
// process_supervisor.cpp.
#include "platform/platform.hpp"

#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "linux/inherited_state.hpp"
#include "linux/linux_inventory.hpp"
#include "linux/privilege.hpp"
#include "linux/write_all.hpp"

namespace port_owner::platform {
namespace {

// The Monitoring Plugins' default --extra-opts locations, in their order.
constexpr std::string_view extra_opts_files[] = {
    "/usr/local/etc/monitoring-plugins/monitoring-plugins.ini",
    "/usr/local/etc/monitoring-plugins.ini",
    "/etc/monitoring-plugins/monitoring-plugins.ini",
    "/etc/monitoring-plugins.ini",
    "/etc/nagios/plugins.ini",
    "/usr/local/nagios/etc/plugins.ini",
    "/usr/local/etc/nagios/plugins.ini",
    "/etc/opt/nagios/plugins.ini",
    "/etc/nagios-plugins.ini",
    "/usr/local/etc/nagios-plugins.ini",
    "/etc/opt/nagios-plugins.ini",
};

// `auto` tries netlink sock_diag and falls back to /proc/net per protocol when netlink refuses.
constexpr std::string_view source_names[] = {"auto", "netlink", "proc"};

linux_os::ListenerSourceChoice source_choice(std::string_view name) {
    if (name == "netlink") {
        return linux_os::ListenerSourceChoice::netlink;
    }
    if (name == "proc") {
        return linux_os::ListenerSourceChoice::proc;
    }
    if (name == "auto") {
        return linux_os::ListenerSourceChoice::automatic;
    }
    // The command line accepts only listener_source_names(); anything else is a caller's bug.
    throw InputError(fmt::format("invalid listener source '{}'", name));
}

}  // namespace

std::optional<std::string> prepare_process(InheritedSignals signals) {
    linux_os::normalise_descriptors();
    if (signals == InheritedSignals::reset) {
        linux_os::reset_signals();
    }
    return linux_os::raise_resource_limits();
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
    // Bytes as the caller passed them: Linux paths are bytes, and UTF-8 by convention.
    return {argv, argv + argc};
}

bool write_to_stdout(std::string_view text) {
    return linux_os::write_all(STDOUT_FILENO, text);
}

bool caller_is_less_privileged() {
    return linux_os::caller_is_less_privileged();
}

std::optional<std::string> read_caller_file(const std::string& path, std::string& contents,
                                            std::size_t max_bytes) {
    const int error = linux_os::read_caller_file(path, contents, max_bytes);
    if (error == 0) {
        return std::nullopt;
    }
    return linux_os::describe_caller_file_error(error, max_bytes);
}

bool file_exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

std::span<const std::string_view> default_extra_opts_files() {
    return extra_opts_files;
}

char search_path_separator() {
    return ':';
}

bool drop_all_privilege() {
    return linux_os::drop_all_privilege();
}

MatchConventions match_conventions() {
    return MatchConventions::for_linux();
}

std::span<const std::string_view> listener_source_names() {
    return source_names;
}

std::string_view listener_source_help() {
    return "      --listener-source auto|netlink|proc\n"
           "                          how listeners are listed (default auto: netlink,\n"
           "                          /proc/net when netlink is unavailable)\n";
}

std::string_view privilege_help() {
    return "Without root, other users' processes cannot be seen: their listeners are\n"
           "UNATTRIBUTED unless the package gave the binary the capabilities\n"
           "cap_dac_read_search,cap_sys_ptrace.\n";
}

std::unique_ptr<Inventory> make_inventory(std::string_view listener_source) {
    return std::make_unique<linux_os::LinuxInventory>(source_choice(listener_source));
}

void stall_forever() {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, nullptr);
    while (true) {
        ::pause();
    }
}

}  // namespace port_owner::platform
