// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace integration {

// Reading the plugin's stdout, laid out as the contract says:
//   PORT_OWNER <STATE> - <summary> | <perfdata>
//   <STATE> <rule> ...            (one long-output line per rule, worst first)

std::vector<std::string> output_lines(std::string_view output);

std::string first_line(std::string_view output);

// "PORT_OWNER CRITICAL - ..." -> "CRITICAL"; empty if line 1 does not start with "PORT_OWNER ".
std::string state_word(std::string_view output);

// The lines after line 1, except a perfdata-only line ("| ...").
std::vector<std::string> long_output_lines(std::string_view output);

// The perfdata after the '|' of line 1: label (quotes removed) -> value with its unit, without
// thresholds: 'rules'=3;;;0 gives "rules" -> "3"; time=0.004s;;;0 gives "time" -> "0.004s".
std::map<std::string, std::string> perfdata(std::string_view output);

}  // namespace integration
