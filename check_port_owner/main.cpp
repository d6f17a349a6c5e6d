// SPDX-License-Identifier: GPL-3.0-or-later
// check_port_owner: options -> rules -> inventory -> verdict -> output. Everything else lives in
// core/ (pure logic), cli/ (options and files), platform/ and inventory/ (the interface to the
// operating system) and one folder per platform implementing it (linux/).
#include <chrono>
#include <cstdlib>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/check_configuration.hpp"
#include "cli/command_line.hpp"
#include "cli/extra_opts.hpp"
#include "core/input_error.hpp"
#include "core/learned_allow_list.hpp"
#include "core/report.hpp"
#include "core/unlisted_check.hpp"
#include "core/verdict.hpp"
#include "inventory/query_for_rules.hpp"
#include "platform/platform.hpp"

namespace {

using namespace port_owner;

// The whole output in one write() call sequence, no stdio buffer in between. Whether it could be
// written is the supervisor's to judge: it relays this process's output.
void print(const std::string& text) {
    platform::write_to_stdout(text);
}

#ifdef PORT_OWNER_FAULT_INJECTION
// Test builds only: faults that no real run can be made to show, to prove the supervisor still
// answers right.
// PORT_OWNER_FAULT_STALL: a /proc read that never returns and that no signal interrupts.
void stall_if_asked() {
    if (std::getenv("PORT_OWNER_FAULT_STALL") == nullptr) {
        return;
    }
    platform::stall_forever();
}

// PORT_OWNER_FAULT_CRASH: the check writes through a null pointer, as a bug would: it is killed
// (Linux) or raises an access violation (Windows), and the supervisor must still answer.
void crash_if_asked() {
    if (std::getenv("PORT_OWNER_FAULT_CRASH") == nullptr) {
        return;
    }
    volatile int* const nowhere = nullptr;
    *nowhere = 1;
}

// PORT_OWNER_FAULT_EXIT_CODE=N: the check prints its report but exits with N.
int exit_code_as_asked(int exit_code) {
    const char* asked = std::getenv("PORT_OWNER_FAULT_EXIT_CODE");
    return asked == nullptr ? exit_code : std::atoi(asked);
}

// PORT_OWNER_FAULT_KEEP_SIGNALS: the inherited signal dispositions stay (SIGCHLD ignored, say).
platform::InheritedSignals inherited_signals() {
    return std::getenv("PORT_OWNER_FAULT_KEEP_SIGNALS") != nullptr
               ? platform::InheritedSignals::keep
               : platform::InheritedSignals::reset;
}
#else
void stall_if_asked() {}
void crash_if_asked() {}
int exit_code_as_asked(int exit_code) {
    return exit_code;
}
platform::InheritedSignals inherited_signals() {
    return platform::InheritedSignals::reset;
}
#endif

void drop_privilege_or_stop() {
    if (!platform::drop_all_privilege()) {
        throw std::runtime_error("cannot give up privileges after the scan");
    }
}

int check(const CommandLine& command_line) {
    const auto configuration = load_configuration(command_line);
    const auto inventory = platform::make_inventory(command_line.listener_source);

    if (command_line.learn) {
        const auto observation = inventory->observe(
            query_for_rules({}, ListenerScope::every_listener, HolderSearch::every_holder));
        drop_privilege_or_stop();
        print(format_learned_allow_list(observation.listeners, inventory->ephemeral_ports(),
                                        platform::match_conventions()));
        return 0;
    }

    stall_if_asked();
    crash_if_asked();
    // Counting unlisted listeners (and showing them with -v) needs every listener, not only the
    // rules' ports.
    const auto scope = command_line.verbosity > 0 || configuration.unlisted.has_thresholds()
                           ? ListenerScope::every_listener
                           : ListenerScope::rule_ports;
    const auto holder_search =
        command_line.first_holder ? HolderSearch::first_holder : HolderSearch::every_holder;
    const auto started = std::chrono::steady_clock::now();
    auto observation =
        inventory->observe(query_for_rules(configuration.rules, scope, holder_search));
    // Only when a required port has no listener: what occupies it instead, found with the same
    // privilege as the listeners' holders, so before it is given up.
    const auto occupant_query =
        query_for_occupants(configuration.rules, observation.listeners, holder_search);
    std::optional<EphemeralPorts> ephemeral;
    if (occupant_query.want_tcp) {
        inventory->find_occupants(occupant_query, observation);
        ephemeral = inventory->ephemeral_ports();
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    drop_privilege_or_stop();

    auto verdict = evaluate(configuration.rules, observation.listeners, configuration.defaults,
                            platform::match_conventions());
    attach_occupants(verdict, observation.occupants, ephemeral ? &*ephemeral : nullptr);
    apply_unlisted_policy(verdict, configuration.unlisted);
    ReportContext context;
    context.notes = observation.notes;
    context.excluded_port_ranges = observation.excluded_port_ranges;
    if (command_line.verbosity > 0) {
        context.notes.insert(context.notes.end(), observation.details.begin(),
                             observation.details.end());
    }
    context.listeners_seen = observation.listeners.size();
    context.scan_seconds = elapsed.count();
    context.verbosity = command_line.verbosity;
    print(format_report(verdict, context));
    return exit_code_as_asked(static_cast<int>(verdict.overall));
}

// Options read from --extra-opts files end up in error messages ("unrecognised option
// '--KEY=VALUE'", "invalid port 'VALUE'"). With privilege the files might not be the caller's to
// read, so the details are withheld and only the files are named.
std::string describe_input_error(const InputError& error,
                                 const std::vector<std::string>& files_to_withhold) {
    if (files_to_withhold.empty()) {
        return error.what();
    }
    return fmt::format(
        "invalid options (from --extra-opts {} or the command line); details withheld when "
        "running with privilege",
        fmt::join(files_to_withhold, ", "));
}

// Every failure of the tool itself is UNKNOWN with one line on stdout; stderr stays empty
// because Icinga 2 would mix it into the output.
template <typename Action>
int answering_failures(Action&& action, const std::vector<std::string>& files_to_withhold) {
    try {
        return action();
    } catch (const InputError& error) {
        print(format_tool_failure(describe_input_error(error, files_to_withhold)));
    } catch (const InventoryError& error) {
        print(format_tool_failure(fmt::format("cannot list listeners: {}", error.what())));
    } catch (const std::exception& error) {
        print(format_tool_failure(fmt::format("internal error: {}", error.what())));
    } catch (...) {
        print(format_tool_failure("internal error"));
    }
    return exit_code(State::unknown);
}

int run(int argc, char** argv) {
    // Before anything opens a file or starts a process: what the caller handed over. A problem is
    // answered before anything else runs: with too small a stack even parsing the options (Boost)
    // could overflow it.
    if (const auto limit_problem = platform::prepare_process(inherited_signals())) {
        print(format_tool_failure(*limit_problem));
        return exit_code(State::unknown);
    }

    CommandLine command_line;
    std::vector<std::string> files_to_withhold;
    const int parse_result = answering_failures(
        [&] {
            const auto expanded = expand_extra_opts(platform::utf8_arguments(argc, argv));
            if (platform::caller_is_less_privileged()) {
                files_to_withhold = expanded.files;
            }
            const auto& arguments = expanded.arguments;
            command_line = parse_command_line(
                std::vector<std::string>(arguments.begin() + 1, arguments.end()));
            return 0;
        },
        files_to_withhold);
    if (parse_result != 0) {
        return parse_result;
    }
    if (command_line.help) {
        print(help_text());
        return exit_code(State::unknown);
    }
    if (command_line.version) {
        print(fmt::format("check_port_owner v{}\n", CHECK_PORT_OWNER_VERSION));
        return exit_code(State::unknown);
    }
    return platform::run_supervised(
        command_line.timeout_seconds,
        command_line.learn ? ExpectedOutput::allow_list : ExpectedOutput::report,
        [&] { return answering_failures([&] { return check(command_line); }, files_to_withhold); });
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (...) {
        // Out of memory while answering a failure, most likely: still one line, still UNKNOWN.
        constexpr std::string_view last_resort = "PORT_OWNER UNKNOWN - internal error\n";
        platform::write_to_stdout(last_resort);
        return exit_code(State::unknown);
    }
}
