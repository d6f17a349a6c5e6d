// SPDX-License-Identifier: GPL-3.0-or-later
#include "plugin_assertions.hpp"

#include "plugin_output.hpp"

#include <fmt/core.h>

namespace integration {

testing::AssertionResult has_verdict(const ProgramRun& run, ServiceState state) {
    if (run.timed_out || !run.exit_code) {
        return testing::AssertionFailure() << "the plugin did not exit by itself" << describe(run);
    }
    if (*run.exit_code != state.exit_code) {
        return testing::AssertionFailure() << "expected exit code " << state.exit_code << " ("
                                           << state.word << ")" << describe(run);
    }
    if (state_word(run.out) != state.word) {
        return testing::AssertionFailure() << "expected line 1 to start with 'PORT_OWNER "
                                           << state.word << " '" << describe(run);
    }
    if (!run.err.empty()) {
        return testing::AssertionFailure() << "expected an empty stderr" << describe(run);
    }
    return testing::AssertionSuccess();
}

testing::AssertionResult first_line_contains(const ProgramRun& run, std::string_view text) {
    if (first_line(run.out).find(text) == std::string::npos) {
        return testing::AssertionFailure()
               << "expected line 1 to contain '" << text << "'" << describe(run);
    }
    return testing::AssertionSuccess();
}

testing::AssertionResult names_culprit(const ProgramRun& run, std::string_view executable_name,
                                       pid_t pid) {
    return first_line_contains(run, fmt::format("held by {} (pid {},", executable_name, pid));
}

testing::AssertionResult has_perfdata(const ProgramRun& run, std::string_view label,
                                      std::string_view value) {
    const auto values = perfdata(run.out);
    const auto found = values.find(std::string(label));
    if (found == values.end()) {
        return testing::AssertionFailure()
               << "expected perfdata label '" << label << "' on line 1" << describe(run);
    }
    if (found->second != value) {
        return testing::AssertionFailure() << "expected perfdata " << label << "=" << value
                                           << ", got " << found->second << describe(run);
    }
    return testing::AssertionSuccess();
}

}  // namespace integration
