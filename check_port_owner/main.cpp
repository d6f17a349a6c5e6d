// check_port_owner: options -> rules -> inventory -> verdict -> output. Everything else lives in
// core/ (pure logic), inventory/ (the OS interface), linux/ (its Linux implementation) and cli/.
#include <unistd.h>

#include <chrono>
#include <exception>
#include <string>

#include <fmt/format.h>

#include "cli/check_configuration.hpp"
#include "cli/command_line.hpp"
#include "cli/extra_opts.hpp"
#include "cli/timeout.hpp"
#include "core/input_error.hpp"
#include "core/learned_allow_list.hpp"
#include "core/report.hpp"
#include "core/unlisted_check.hpp"
#include "core/verdict.hpp"
#include "inventory/query_for_rules.hpp"
#include "linux/linux_inventory.hpp"
#include "linux/privilege.hpp"

namespace {

// The whole output in one write(): no stdio buffer can be left half-flushed by the timeout.
void print(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const auto written = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
        if (written <= 0) {
            return;
        }
        done += static_cast<std::size_t>(written);
    }
}

int run(int argc, const char* const* argv) {
    using namespace port_owner;
    const auto arguments = expand_extra_opts(argc, argv);
    const auto command_line =
        parse_command_line(std::vector<std::string>(arguments.begin() + 1, arguments.end()));
    if (command_line.help) {
        print(help_text());
        return 3;
    }
    if (command_line.version) {
        print(fmt::format("check_port_owner v{}\n", CHECK_PORT_OWNER_VERSION));
        return 3;
    }
    arm_timeout(command_line.timeout_seconds);
    const auto configuration = load_configuration(command_line);
    linux_os::LinuxInventory inventory(command_line.listener_source);

    if (command_line.learn) {
        const auto listeners = inventory.observe(query_for_rules({}, true, true));
        linux_os::drop_all_privilege();
        const auto text = format_learned_allow_list(listeners, inventory.ephemeral_ports());
        disarm_timeout();
        print(text);
        return 0;
    }

    const auto started = std::chrono::steady_clock::now();
    // Counting unlisted listeners (and showing them with -v) needs every listener, not only the
    // rules' ports.
    const bool every_listener =
        command_line.verbosity > 0 || configuration.unlisted.has_thresholds();
    const auto listeners = inventory.observe(
        query_for_rules(configuration.rules, every_listener, command_line.all_holders));
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    linux_os::drop_all_privilege();

    auto verdict = evaluate(configuration.rules, listeners, configuration.defaults);
    apply_unlisted_policy(verdict, configuration.unlisted);
    ReportContext context;
    context.listeners_seen = listeners.size();
    context.scan_seconds = elapsed.count();
    context.verbosity = command_line.verbosity;
    const auto report = format_report(verdict, context);
    disarm_timeout();
    print(report);
    return static_cast<int>(verdict.overall);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace port_owner;
    // Every failure of the tool itself is UNKNOWN with one line on stdout; stderr stays empty
    // because Icinga 2 would mix it into the output.
    try {
        return run(argc, argv);
    } catch (const InputError& error) {
        print(format_tool_failure(error.what()));
    } catch (const InventoryError& error) {
        print(format_tool_failure(fmt::format("cannot list listeners: {}", error.what())));
    } catch (const std::exception& error) {
        print(format_tool_failure(fmt::format("internal error: {}", error.what())));
    } catch (...) {
        print(format_tool_failure("internal error"));
    }
    return 3;
}
