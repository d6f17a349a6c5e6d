// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "child_process.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace integration {

// The outcome of one finished run of a program.
struct ProgramRun {
    std::filesystem::path executable{};
    std::vector<std::string> arguments{};
    std::optional<int> exit_code{};  // unset when a signal ended it
    std::optional<int> signal{};     // the signal that ended it
    bool timed_out = false;          // killed by us when the timeout expired
    std::string out{};
    std::string err{};
};

// Runs `executable` with `arguments` (fork + execv, no shell), stdin from /dev/null, stdout and
// stderr captured separately. On timeout the program is killed and timed_out set. `options` may run
// it as another user or change its environment.
ProgramRun run_program(const std::filesystem::path& executable,
                       const std::vector<std::string>& arguments, std::chrono::seconds timeout,
                       const ChildOptions& options = {});

// Everything about a run, for assertion messages: command line, how it ended, stdout, stderr.
std::string describe(const ProgramRun& run);

}  // namespace integration
