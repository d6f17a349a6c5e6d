// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/rule.hpp"

namespace port_owner {

// The allow-list file (README, "Allow-list file"): default states at the top, one section per rule.
struct AllowListFile {
    StateOverrides defaults;
    std::vector<std::string> ignore;  // `ignore = SPEC` lines, in file order
    std::vector<Rule> rules;
};

// Parses the file's text. `file_name` is only used in messages. Every problem throws InputError
// with a message of the form `FILE:LINE: what is wrong`.
AllowListFile parse_allow_list(std::string_view text, std::string_view file_name);

}  // namespace port_owner
