// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/check_configuration.hpp"

#include <string_view>

#include <fmt/format.h>

#include "core/allow_list_file.hpp"
#include "core/input_error.hpp"
#include "platform/platform.hpp"

namespace port_owner {
namespace {

// An allow-list is a few KiB; anything this large is the wrong file.
constexpr std::size_t max_allow_list_bytes = 1024 * 1024;

std::string read_allow_list(const std::string& path) {
    std::string text;
    if (const auto problem = platform::read_caller_file(path, text, max_allow_list_bytes)) {
        throw InputError(fmt::format("cannot read allow-list {}: {}", path, *problem));
    }
    return text;
}

// With privilege, a parse error must not quote the file (it might not be the caller's to read):
// keep `FILE:LINE:` and withhold the rest.
AllowListFile parse_allow_list_guarded(const std::string& text, const std::string& path) {
    try {
        return parse_allow_list(text, path);
    } catch (const InputError& error) {
        if (!platform::caller_is_less_privileged()) {
            throw;
        }
        const std::string_view message(error.what());
        const auto line_end = message.find(':', path.size() + 1);
        const auto where =
            message.substr(0, line_end == std::string_view::npos ? path.size() : line_end);
        throw InputError(fmt::format(
            "{}: invalid allow-list line (details withheld when running with privilege)", where));
    }
}

}  // namespace

CheckConfiguration load_configuration(const CommandLine& command_line) {
    CheckConfiguration configuration;
    StateOverrides file_defaults;
    if (command_line.config_file) {
        auto file = parse_allow_list_guarded(read_allow_list(*command_line.config_file),
                                             *command_line.config_file);
        configuration.rules = std::move(file.rules);
        file_defaults = file.defaults;
        for (const auto& spec : file.ignore) {
            configuration.unlisted.ignore.push_back(IgnoreSpec::parse(spec));
        }
    }
    for (const auto& argument : command_line.rules) {
        try {
            configuration.rules.push_back(parse_rule_argument(argument));
        } catch (const InputError& error) {
            throw InputError(fmt::format("-p {}: {}", argument, error.what()));
        }
    }
    for (const auto& spec : command_line.ignore) {
        configuration.unlisted.ignore.push_back(IgnoreSpec::parse(spec));
    }
    if (command_line.warning) {
        configuration.unlisted.warning = ThresholdRange::parse(*command_line.warning);
    }
    if (command_line.critical) {
        configuration.unlisted.critical = ThresholdRange::parse(*command_line.critical);
    }
    auto& defaults = configuration.defaults;
    defaults.missing =
        command_line.missing.value_or(file_defaults.missing.value_or(defaults.missing));
    defaults.unexpected =
        command_line.unexpected.value_or(file_defaults.unexpected.value_or(defaults.unexpected));
    defaults.unattributed = command_line.unattributed.value_or(
        file_defaults.unattributed.value_or(defaults.unattributed));
    if (configuration.rules.empty() && !command_line.learn &&
        !configuration.unlisted.has_thresholds()) {
        throw InputError(command_line.config_file
                             ? fmt::format("{}: no rules: add a section such as [tcp/80]",
                                           *command_line.config_file)
                             : std::string("no rules: give -p RULE, -C FILE or -w/-c (--learn "
                                           "writes a file from what listens now)"));
    }
    return configuration;
}

}  // namespace port_owner
