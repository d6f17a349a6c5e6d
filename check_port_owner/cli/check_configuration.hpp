// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <vector>

#include "cli/command_line.hpp"
#include "core/rule.hpp"
#include "core/unlisted_check.hpp"
#include "core/verdict.hpp"

namespace port_owner {

// The rules and default states the check runs with: the allow-list file, then -p rules, with
// states taken from the rule itself, else the command line, else the file's defaults, else the
// built-in ones.
struct CheckConfiguration {
    std::vector<Rule> rules;
    StateDefaults defaults;
    UnlistedPolicy unlisted;
};

// Reads the -C file (if any) and parses every rule; throws InputError naming the problem.
CheckConfiguration load_configuration(const CommandLine& command_line);

}  // namespace port_owner
