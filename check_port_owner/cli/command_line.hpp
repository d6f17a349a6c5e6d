// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/state.hpp"

namespace port_owner {

// The options as given (README, "Usage"), before any file is read.
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
    // --first-holder: the opt-in shortcut (--all-holders, the default, is accepted and changes
    // nothing).
    bool first_holder = false;
    // One of platform::listener_source_names(); the first of them when not given.
    std::string listener_source;
    unsigned timeout_seconds = 10;
    int verbosity = 0;
    bool help = false;
    bool version = false;
};

// Parses the arguments (without the program name, --extra-opts already expanded). A single-valued
// option given more than once keeps its last value, so the command line overrides what
// --extra-opts inserted before it. Throws InputError with a one-line message for any bad option.
CommandLine parse_command_line(const std::vector<std::string>& arguments);

// The --help text (under 80 columns).
std::string help_text();

// The short usage that follows an option error.
std::string_view short_usage();

}  // namespace port_owner
