// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/systemd_bus.hpp"

#include <systemd/sd-bus.h>

#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace port_owner::linux_os {
namespace {

constexpr const char* destination = "org.freedesktop.systemd1";
constexpr const char* manager_path = "/org/freedesktop/systemd1";
constexpr const char* manager_interface = "org.freedesktop.systemd1.Manager";
constexpr const char* unit_interface = "org.freedesktop.systemd1.Unit";
constexpr const char* socket_interface = "org.freedesktop.systemd1.Socket";
constexpr const char* service_interface = "org.freedesktop.systemd1.Service";

// The instance name under which a template's settings are read: any valid instance would do.
constexpr std::string_view template_probe_instance = "check-port-owner";

struct ErrorHolder {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    ~ErrorHolder() { sd_bus_error_free(&error); }
};

struct MessageHolder {
    sd_bus_message* message = nullptr;
    ~MessageHolder() { sd_bus_message_unref(message); }
};

struct StrvHolder {
    char** strings = nullptr;
    ~StrvHolder() {
        if (strings != nullptr) {
            for (char** string = strings; *string != nullptr; ++string) {
                std::free(*string);
            }
            std::free(static_cast<void*>(strings));
        }
    }
};

[[noreturn]] void fail(std::string_view what, int result, const sd_bus_error* error = nullptr) {
    // A D-Bus error (AccessDenied, a timeout) says more than the errno sd-bus maps it to.
    if (error != nullptr && sd_bus_error_is_set(error) != 0 && error->message != nullptr) {
        throw SystemdBusError(fmt::format("{}: {}", what, error->message));
    }
    throw SystemdBusError(fmt::format("{}: {}", what, std::strerror(-result)));
}

void check(int result, std::string_view what, const sd_bus_error* error = nullptr) {
    if (result < 0) {
        fail(what, result, error);
    }
}

std::string unit_path(sd_bus* bus, const std::string& name) {
    ErrorHolder error;
    MessageHolder reply;
    check(sd_bus_call_method(bus, destination, manager_path, manager_interface, "LoadUnit",
                             &error.error, &reply.message, "s", name.c_str()),
          fmt::format("loading unit {}", name), &error.error);
    const char* path = nullptr;
    check(sd_bus_message_read(reply.message, "o", &path), "reading LoadUnit's reply");
    return path;
}

std::string string_property(sd_bus* bus, const std::string& path, const char* interface,
                            const char* property) {
    ErrorHolder error;
    char* value = nullptr;
    check(sd_bus_get_property_string(bus, destination, path.c_str(), interface, property,
                                     &error.error, &value),
          fmt::format("reading {} of {}", property, path), &error.error);
    std::string result(value);
    std::free(value);
    return result;
}

std::vector<std::string> strv_property(sd_bus* bus, const std::string& path, const char* interface,
                                       const char* property) {
    ErrorHolder error;
    StrvHolder value;
    check(sd_bus_get_property_strv(bus, destination, path.c_str(), interface, property,
                                   &error.error, &value.strings),
          fmt::format("reading {} of {}", property, path), &error.error);
    std::vector<std::string> result;
    for (char** string = value.strings; string != nullptr && *string != nullptr; ++string) {
        result.emplace_back(*string);
    }
    return result;
}

std::vector<SocketUnitListen> listen_property(sd_bus* bus, const std::string& path) {
    ErrorHolder error;
    MessageHolder reply;
    const auto what = fmt::format("reading Listen of {}", path);
    check(sd_bus_get_property(bus, destination, path.c_str(), socket_interface, "Listen",
                              &error.error, &reply.message, "a(ss)"),
          what, &error.error);
    check(sd_bus_message_enter_container(reply.message, 'a', "(ss)"), what);
    std::vector<SocketUnitListen> entries;
    const char* type = nullptr;
    const char* address = nullptr;
    int result = 0;
    while ((result = sd_bus_message_read(reply.message, "(ss)", &type, &address)) > 0) {
        entries.push_back({type, address});
    }
    check(result, what);
    return entries;
}

std::string template_instance(const std::string& name) {
    const auto at = name.find('@');
    if (at == std::string::npos || name.compare(at, std::string::npos, "@.service") != 0) {
        return name;
    }
    return fmt::format("{}@{}.service", name.substr(0, at), template_probe_instance);
}

}  // namespace

SystemdBus::SystemdBus(std::chrono::microseconds call_timeout) {
    // sd-bus reads DBUS_SYSTEM_BUS_ADDRESS with secure_getenv: an elevated plugin (file
    // capabilities) always uses the standard socket, never one its caller names.
    check(sd_bus_open_system(&bus_), "connecting to the system bus");
    try {
        check(
            sd_bus_set_method_call_timeout(bus_, static_cast<std::uint64_t>(call_timeout.count())),
            "setting the D-Bus call timeout");
        wait_until_ready(call_timeout);
    } catch (...) {
        // No destructor runs for an object whose constructor throws.
        sd_bus_close_unref(bus_);
        throw;
    }
}

void SystemdBus::wait_until_ready(std::chrono::microseconds timeout) {
    // The method call timeout does not cover the authentication that precedes the first call:
    // sd-bus would wait for it up to its own 90 s. A bus that accepts and never answers must
    // cost no more than a call.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const int ready = sd_bus_is_ready(bus_);
        check(ready, "connecting to the system bus");
        if (ready > 0) {
            return;
        }
        const int processed = sd_bus_process(bus_, nullptr);
        check(processed, "connecting to the system bus");
        if (processed > 0) {
            continue;
        }
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            throw SystemdBusError(fmt::format(
                "connecting to the system bus: no answer within {} ms",
                std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()));
        }
        check(sd_bus_wait(bus_, static_cast<std::uint64_t>(left.count())),
              "connecting to the system bus");
    }
}

SystemdBus::~SystemdBus() {
    // Not flushed: nothing was sent that must arrive, and a flush waits for the authentication
    // a silent bus never completes.
    sd_bus_close_unref(bus_);
}

std::vector<SocketUnit> SystemdBus::active_socket_units() {
    ErrorHolder error;
    MessageHolder reply;
    // An empty state list means every state; only active units hold sockets.
    check(sd_bus_call_method(bus_, destination, manager_path, manager_interface,
                             "ListUnitsByPatterns", &error.error, &reply.message, "asas", 1,
                             "active", 1, "*.socket"),
          "listing the socket units", &error.error);
    const auto what = "reading the list of socket units";
    check(sd_bus_message_enter_container(reply.message, 'a', "(ssssssouso)"), what);
    std::vector<std::pair<std::string, std::string>> names_and_paths;
    const char* name = nullptr;
    const char* path = nullptr;
    const char* ignored = nullptr;
    std::uint32_t job_id = 0;
    int result = 0;
    while ((result = sd_bus_message_read(reply.message, "(ssssssouso)", &name, &ignored, &ignored,
                                         &ignored, &ignored, &ignored, &path, &job_id, &ignored,
                                         &ignored)) > 0) {
        names_and_paths.emplace_back(name, path);
    }
    check(result, what);

    std::vector<SocketUnit> units;
    for (const auto& [unit_name, unit_path] : names_and_paths) {
        SocketUnit unit;
        unit.name = unit_name;
        unit.listen = listen_property(bus_, unit_path);
        unit.triggers = strv_property(bus_, unit_path, unit_interface, "Triggers");
        ErrorHolder accept_error;
        int accept = 0;
        check(sd_bus_get_property_trivial(bus_, destination, unit_path.c_str(), socket_interface,
                                          "Accept", &accept_error.error, 'b', &accept),
              fmt::format("reading Accept of {}", unit_name), &accept_error.error);
        unit.accept = accept != 0;
        units.push_back(std::move(unit));
    }
    return units;
}

ServiceFacts SystemdBus::service(const std::string& name) {
    ServiceFacts facts;
    facts.name = name;
    const auto path = unit_path(bus_, template_instance(name));
    facts.active_state = string_property(bus_, path, unit_interface, "ActiveState");
    facts.user = string_property(bus_, path, service_interface, "User");
    ErrorHolder dynamic_error;
    int dynamic_user = 0;
    check(sd_bus_get_property_trivial(bus_, destination, path.c_str(), service_interface,
                                      "DynamicUser", &dynamic_error.error, 'b', &dynamic_user),
          fmt::format("reading DynamicUser of {}", name), &dynamic_error.error);
    facts.dynamic_user = dynamic_user != 0;
    ErrorHolder pid_error;
    check(sd_bus_get_property_trivial(bus_, destination, path.c_str(), service_interface, "MainPID",
                                      &pid_error.error, 'u', &facts.main_pid),
          fmt::format("reading MainPID of {}", name), &pid_error.error);

    ErrorHolder error;
    MessageHolder reply;
    const auto what = fmt::format("reading ExecStart of {}", name);
    check(sd_bus_get_property(bus_, destination, path.c_str(), service_interface, "ExecStart",
                              &error.error, &reply.message, "a(sasbttttuii)"),
          what, &error.error);
    check(sd_bus_message_enter_container(reply.message, 'a', "(sasbttttuii)"), what);
    const int entered = sd_bus_message_enter_container(reply.message, 'r', "sasbttttuii");
    check(entered, what);
    if (entered > 0) {
        const char* program = nullptr;
        check(sd_bus_message_read(reply.message, "s", &program), what);
        facts.exec_path = program;
        StrvHolder argv;
        check(sd_bus_message_read_strv(reply.message, &argv.strings), what);
        for (char** argument = argv.strings; argument != nullptr && *argument != nullptr;
             ++argument) {
            facts.exec_argv.emplace_back(*argument);
        }
    }
    return facts;
}

}  // namespace port_owner::linux_os
