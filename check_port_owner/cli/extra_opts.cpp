// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/extra_opts.hpp"

#include <cstdlib>
#include <string_view>

#include <fmt/format.h>

#include "core/extra_opts_file.hpp"
#include "core/input_error.hpp"
#include "platform/platform.hpp"

namespace port_owner {
namespace {

constexpr std::string_view plugin_name = "check_port_owner";
constexpr std::string_view option_name = "--extra-opts";
constexpr std::size_t max_extra_opts_bytes = 1024 * 1024;

constexpr const char* config_path_files[] = {"monitoring-plugins.ini", "plugins.ini",
                                             "nagios-plugins.ini"};

std::string find_default_file() {
    if (!platform::caller_is_less_privileged()) {
        if (const char* file = std::getenv("MP_CONFIG_FILE"); file != nullptr && *file != '\0') {
            return file;
        }
        if (const char* path = std::getenv("NAGIOS_CONFIG_PATH"); path != nullptr) {
            std::string_view directories(path);
            while (!directories.empty()) {
                const auto colon = directories.find(platform::search_path_separator());
                const auto directory = directories.substr(0, colon);
                directories.remove_prefix(colon == std::string_view::npos ? directories.size()
                                                                          : colon + 1);
                for (const char* name : config_path_files) {
                    auto candidate = fmt::format("{}/{}", directory, name);
                    if (!directory.empty() && platform::file_exists(candidate)) {
                        return candidate;
                    }
                }
            }
        }
    }
    for (const auto file : platform::default_extra_opts_files()) {
        if (platform::file_exists(std::string(file))) {
            return std::string(file);
        }
    }
    throw InputError("--extra-opts: no extra-opts file found in the standard locations");
}

std::vector<std::string> arguments_from(std::string_view value, std::vector<std::string>& files) {
    const auto reference = parse_extra_opts_reference(value, plugin_name);
    const auto file = reference.file ? *reference.file : find_default_file();
    files.push_back(file);
    std::string text;
    if (const auto problem = platform::read_caller_file(file, text, max_extra_opts_bytes)) {
        throw InputError(fmt::format("--extra-opts: cannot read {}: {}", file, *problem));
    }
    auto arguments = extra_opts_arguments(text, reference.section, file);
    if (!arguments) {
        throw InputError(
            fmt::format("--extra-opts: no section [{}] in {}", reference.section, file));
    }
    return *arguments;
}

}  // namespace

ExpandedArguments expand_extra_opts(const std::vector<std::string>& argv) {
    ExpandedArguments result;
    std::vector<std::string> from_files;
    std::vector<std::string> rest;
    const std::size_t argc = argv.size();
    for (std::size_t i = 1; i < argc; ++i) {
        const std::string_view argument(argv[i]);
        if (argument == "--") {
            rest.insert(rest.end(), argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
            break;
        }
        if (argument == option_name) {
            // As in the Monitoring Plugins: the next argument is the value unless it is an
            // option. Left for the option parser, it would be a stray argument.
            const bool value_follows = i + 1 < argc && !argv[i + 1].starts_with('-');
            const auto added = arguments_from(value_follows ? argv[++i] : "", result.files);
            from_files.insert(from_files.end(), added.begin(), added.end());
        } else if (argument.starts_with(option_name) && argument[option_name.size()] == '=') {
            const auto added =
                arguments_from(argument.substr(option_name.size() + 1), result.files);
            from_files.insert(from_files.end(), added.begin(), added.end());
        } else {
            rest.emplace_back(argument);
        }
    }
    auto& expanded = result.arguments;
    expanded.push_back(argc > 0 ? argv[0] : std::string(plugin_name));
    expanded.insert(expanded.end(), from_files.begin(), from_files.end());
    expanded.insert(expanded.end(), rest.begin(), rest.end());
    return result;
}

}  // namespace port_owner
