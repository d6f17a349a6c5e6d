#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/state.hpp"
#include "linux/linux_inventory.hpp"

namespace port_owner {

// The options as given (design.md §3), before any file is read.
struct CommandLine {
    std::vector<std::string> rules;  // -p, in order
    std::optional<std::string> config_file;
    std::optional<State> missing;
    std::optional<State> unexpected;
    std::optional<State> unattributed;
    std::optional<std::string> warning;  // -w range on the unlisted count
    std::optional<std::string> critical;
    std::vector<std::string> ignore;
    bool learn = false;
    bool all_holders = false;
    linux_os::ListenerSourceChoice listener_source = linux_os::ListenerSourceChoice::automatic;
    unsigned timeout_seconds = 10;
    int verbosity = 0;
    bool help = false;
    bool version = false;
};

// Throws InputError with a one-line message for any bad option or value.
CommandLine parse_command_line(int argc, const char* const* argv);

// The --help text (under 80 columns).
std::string help_text();

// The short usage that follows an option error.
std::string_view short_usage();

}  // namespace port_owner
