// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace windows_tests {

// A program run to its end: what it printed on each stream, how it ended, how long it took.
struct ProgramRun {
    std::string command;  // for failure messages
    std::string output;
    std::string errors;
    int exit_code = -1;
    bool ended_by_itself = false;  // false: it outlived the deadline and was killed
    std::chrono::duration<double> elapsed{};
};

std::ostream& operator<<(std::ostream& out, const ProgramRun& run);

// Runs `program` with `arguments` (UTF-8) and no input; kills it after `deadline`.
ProgramRun run_program(const std::wstring& program, const std::vector<std::string>& arguments,
                       const std::map<std::wstring, std::wstring>& environment = {},
                       std::chrono::seconds deadline = std::chrono::seconds(60));

}  // namespace windows_tests
