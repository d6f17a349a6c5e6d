// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/socket_activation.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>
#include <variant>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/socket_unit.hpp"
#include "linux/check_deadline.hpp"
#include "linux/privilege.hpp"
#include "linux/process_identity_reader.hpp"
#include "linux/socket_cgroup.hpp"
#include "linux/systemd_bus.hpp"
#include "linux/unique_fd.hpp"

namespace port_owner::linux_os {
namespace {

// Each D-Bus call waits at most this long, and never past what -t leaves minus a margin for the
// answer: a bus that does not answer then gives an UNKNOWN that says so, not a bare "timed out".
constexpr std::chrono::microseconds longest_bus_call = std::chrono::seconds(3);
constexpr std::chrono::microseconds answer_margin = std::chrono::milliseconds(500);
constexpr std::chrono::microseconds shortest_bus_call = std::chrono::milliseconds(50);

std::chrono::microseconds bus_call_timeout() {
    const auto left = time_left_for_check();
    if (!left) {
        return longest_bus_call;
    }
    const auto usable =
        std::chrono::duration_cast<std::chrono::microseconds>(*left) - answer_margin;
    return std::clamp(usable, shortest_bus_call, longest_bus_call);
}

// The uid of (uid_t)-1, which no account can have: a User= that names no account here (a
// DynamicUser= name) then matches a user: entry by name only, never by number.
constexpr std::uint32_t no_uid = static_cast<std::uint32_t>(-1);

// PID 1 is systemd: only then can it hold a socket for a socket unit. Another init (a
// container's, s6, an inetd as PID 1) is a holder like any other, and the bus is not asked. The
// name only decides whether to ask systemd, never whether a holder matches.
bool is_systemd(const ProcessIdentity& holder) {
    return holder.pid == 1 &&
           (holder.executable ? executable_basename(*holder.executable) : holder.comm) == "systemd";
}

bool held_by_pid_one(const ObservedListener& listener) {
    return std::any_of(listener.holders.begin(), listener.holders.end(), is_systemd);
}

// Between fork and exec, a process systemd starts for a unit is a copy of PID 1: PID 1's
// executable, PID 1 its parent, and every descriptor of PID 1's, listening sockets included,
// until it closes those the service is not to get. Holding a socket PID 1 holds, such a copy is
// PID 1's socket seen twice for a moment, not a holder of its own: judged by its own name,
// "systemd", it would fail the unit's entries (a false CRITICAL whenever a check meets a
// connection to an Accept=yes socket being served). It can be nobody else: a process runs PID
// 1's executable only by executing it, and holds PID 1's socket only when systemd gave it.
bool is_copy_of_pid_one_before_exec(const ProcessIdentity& holder, const ProcessIdentity& pid_one) {
    return holder.pid != 1 && holder.parent_pid == 1 && holder.executable && pid_one.executable &&
           *holder.executable == *pid_one.executable &&
           holder.executable_deleted == pid_one.executable_deleted;
}

void drop_copies_of_pid_one(ObservedListener& listener) {
    const auto pid_one = std::find_if(listener.holders.begin(), listener.holders.end(), is_systemd);
    if (pid_one == listener.holders.end()) {
        return;
    }
    const ProcessIdentity systemd = *pid_one;
    std::erase_if(listener.holders, [&systemd](const ProcessIdentity& holder) {
        return is_copy_of_pid_one_before_exec(holder, systemd);
    });
}

// The file ExecStart= names, checked as exe: checks a running file: a regular file at that path
// here is the file systemd will run.
ExecutableFileCheck check_exec_path(const std::string& path) {
    struct stat file {};
    if (::stat(path.c_str(), &file) == 0) {
        return S_ISREG(file.st_mode) ? ExecutableFileCheck::same_file
                                     : ExecutableFileCheck::different_file;
    }
    return errno == ENOENT || errno == ENOTDIR ? ExecutableFileCheck::different_file
                                               : ExecutableFileCheck::unknown;
}

// The user systemd will run the service as: User= (a name or a uid), or with DynamicUser= and
// no User= a uid allocated at start under the unit's name; root otherwise.
void set_user(ProcessIdentity& identity, const ServiceFacts& service) {
    std::string user = service.user;
    if (user.empty() && service.dynamic_user) {
        user = service.name.substr(0, service.name.find_first_of("@."));
    }
    if (user.empty()) {
        identity.uid = 0;
        identity.user = "root";
        return;
    }
    identity.user = user;
    identity.uid = no_uid;
    unsigned long number = 0;
    const auto* end = user.data() + user.size();
    if (const auto parsed = std::from_chars(user.data(), end, number);
        parsed.ec == std::errc() && parsed.ptr == end && number < no_uid) {
        identity.uid = static_cast<std::uint32_t>(number);
        return;
    }
    if (service.dynamic_user) {
        return;  // allocated when it starts: no number is known before
    }
    passwd entry{};
    passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwnam_r(user.c_str(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
        found != nullptr) {
        identity.uid = found->pw_uid;
    }
}

// The service before activation: what systemd will run, from its ExecStart= and User=. The pid
// stays 1: that is the process that holds the socket.
ProcessIdentity pending_service(const ProcessIdentity& pid_one, const ServiceFacts& service) {
    ProcessIdentity identity = pid_one;
    // Resolved as /proc/PID/exe will be once it runs (/usr/bin/python3 is python3.11), so that
    // NAME and exe: entries judge the service alike before and after activation.
    identity.executable = service.exec_path;
    if (service.exec_path) {
        if (char* resolved = ::realpath(service.exec_path->c_str(), nullptr)) {
            identity.executable = resolved;
            std::free(resolved);
        }
    }
    identity.executable_problem =
        service.exec_path ? std::string() : fmt::format("{} has no ExecStart=", service.name);
    identity.executable_deleted = false;
    identity.executable_file =
        identity.executable ? check_exec_path(*identity.executable) : ExecutableFileCheck::unknown;
    identity.other_mount_namespace = false;
    identity.executable_name.clear();
    set_user(identity, service);
    identity.command_line = fmt::format("{}", fmt::join(service.exec_argv, " "));
    identity.command_line_known = service.exec_path.has_value();
    identity.unit = service.name;
    return identity;
}

// The service's running main process, read from /proc like any holder. nullopt when it is gone
// or is no longer the service's (the pid was reused between systemd's answer and the read).
std::optional<ProcessIdentity> running_service(const ServiceFacts& service, UserNames& user_names) {
    const auto path = fmt::format("/proc/{}", service.main_pid);
    raise_scan_capabilities();
    UniqueFd directory(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::optional<ProcessIdentity> identity;
    if (directory.get() >= 0) {
        identity = read_process_identity(static_cast<int>(service.main_pid), directory.get());
    }
    lower_scan_capabilities();
    if (!identity || identity->unit != service.name) {
        return std::nullopt;
    }
    identity->user = user_names.name(identity->uid);
    return identity;
}

using ServiceAnswer = std::variant<ServiceFacts, std::string>;  // the facts, or why not

class Attribution {
  public:
    Attribution(SystemdBus& bus, std::vector<SocketUnit> units, UserNames& user_names)
        : bus_(bus), units_(std::move(units)), user_names_(user_names) {}

    void attribute(const Listener& socket, ProcessIdentity& holder) {
        const auto units = socket_units_listening_on(socket, units_);
        if (units.empty()) {
            return;  // PID 1 holds it for itself (or for no unit systemd admits): as it is
        }
        if (units.size() > 1) {
            std::vector<std::string> names;
            for (const auto* unit : units) {
                names.push_back(unit->name);
            }
            holder.activation.unconfirmed = fmt::format(
                "systemd (pid 1) holds the socket, and several socket units list it "
                "({}): which one it serves could not be told",
                fmt::join(names, ", "));
            return;
        }
        const auto& unit = *units.front();
        const auto service_name = service_of_socket_unit(unit);
        holder.activation.socket_unit = unit.name;
        if (service_name.empty()) {
            holder.activation.unconfirmed = fmt::format(
                "systemd (pid 1) holds the socket for {}, which triggers no service", unit.name);
            return;
        }
        const auto& answer = service(service_name);
        if (const auto* problem = std::get_if<std::string>(&answer)) {
            holder.unit = service_name;
            holder.activation.unconfirmed = fmt::format(
                "systemd (pid 1) holds the socket for {}, but what {} runs could not be asked: {}",
                unit.name, service_name, *problem);
            return;
        }
        const auto& facts = std::get<ServiceFacts>(answer);
        // Accept=yes: the instances hold their connections only; the listener is PID 1's for
        // good, and judged by the template's ExecStart=. A main process that has not run
        // ExecStart= yet (PID 1's copy between fork and exec) is judged, like the service before
        // activation, by what it is about to run.
        if (!unit.accept && facts.main_pid > 0) {
            auto running = running_service(facts, user_names_);
            if (!running) {
                holder.unit = service_name;
                holder.activation.unconfirmed = fmt::format(
                    "systemd (pid 1) holds the socket for {}, and the main process (pid {}) of {} "
                    "exited or changed during the check",
                    unit.name, facts.main_pid, service_name);
                return;
            }
            if (!is_copy_of_pid_one_before_exec(*running, holder)) {
                holder = std::move(*running);
                holder.activation.socket_unit = unit.name;
                holder.activation.service_running = true;
                return;
            }
        }
        auto pending = pending_service(holder, facts);
        pending.activation = holder.activation;
        holder = std::move(pending);
    }

  private:
    const ServiceAnswer& service(const std::string& name) {
        auto found = services_.find(name);
        if (found == services_.end()) {
            ServiceAnswer answer;
            try {
                answer = bus_.service(name);
            } catch (const SystemdBusError& error) {
                answer = std::string(error.what());
            }
            found = services_.emplace(name, std::move(answer)).first;
        }
        return found->second;
    }

    SystemdBus& bus_;
    std::vector<SocketUnit> units_;
    UserNames& user_names_;
    std::map<std::string, ServiceAnswer> services_;
};

}  // namespace

void attribute_socket_activation(std::vector<ObservedListener>& listeners, UserNames& user_names) {
    if (std::none_of(listeners.begin(), listeners.end(), held_by_pid_one)) {
        return;
    }
    for (auto& listener : listeners) {
        drop_copies_of_pid_one(listener);
    }
    std::optional<SystemdBus> bus;
    std::vector<SocketUnit> units;
    std::string problem;
    try {
        bus.emplace(bus_call_timeout());
        units = bus->active_socket_units();
    } catch (const SystemdBusError& error) {
        problem = error.what();
    }
    if (!problem.empty()) {
        for (auto& listener : listeners) {
            if (!held_by_pid_one(listener)) {
                continue;
            }
            // The socket's cgroup names the unit systemd made it for, when it did: worth saying,
            // not enough to judge by (a cgroup is no proof that systemd still serves it so).
            const auto hinted =
                socket_unit_from_cgroup_path(cgroup_path_of_id(listener.socket.cgroup_id));
            const auto reason =
                hinted.empty()
                    ? fmt::format(
                          "systemd (pid 1) holds the socket, perhaps for a .socket unit, "
                          "and systemd's D-Bus API could not be asked which: {}",
                          problem)
                    : fmt::format(
                          "systemd (pid 1) holds the socket, by its cgroup for {}, and "
                          "systemd's D-Bus API could not confirm it: {}",
                          hinted, problem);
            for (auto& holder : listener.holders) {
                if (is_systemd(holder)) {
                    holder.activation.unconfirmed = reason;
                }
            }
        }
        return;
    }
    Attribution attribution(*bus, std::move(units), user_names);
    for (auto& listener : listeners) {
        std::string socket_unit;
        std::string service_unit;
        for (auto& holder : listener.holders) {
            if (is_systemd(holder)) {
                attribution.attribute(listener.socket, holder);
                if (!holder.activation.socket_unit.empty()) {
                    socket_unit = holder.activation.socket_unit;
                    service_unit = holder.unit;
                }
            }
        }
        // After activation the service's own processes hold the socket too (sshd for
        // ssh.socket): they serve the same socket unit, which systemd confirmed, and unit:
        // entries naming it must match them as well.
        for (auto& holder : listener.holders) {
            if (holder.pid != 1 && !socket_unit.empty() && holder.unit == service_unit) {
                holder.activation.socket_unit = socket_unit;
                holder.activation.service_running = true;
            }
        }
    }
}

}  // namespace port_owner::linux_os
