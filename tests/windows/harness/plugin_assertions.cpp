// SPDX-License-Identifier: GPL-3.0-or-later
#include "harness/plugin_assertions.hpp"

#include "common/utf8_check.hpp"
#include "integration/harness/plugin_output.hpp"

#include <string>

namespace windows_tests {
namespace {

int exit_code_of(std::string_view word) {
    for (const ServiceState state : {kOk, kWarning, kCritical, kUnknown}) {
        if (state.word == word)
            return state.exit_code;
    }
    return -1;
}

}  // namespace

testing::AssertionResult follows_output_contract(const ProgramRun& run) {
    if (!run.ended_by_itself)
        return testing::AssertionFailure() << "did not end by itself: " << run;
    if (run.output.empty() || run.output.back() != '\n')
        return testing::AssertionFailure() << "output does not end in a newline: " << run;
    if (run.output.find('\r') != std::string::npos)
        return testing::AssertionFailure() << "output has a CR (CRLF line ends?): " << run;
    if (!test_common::is_valid_utf8(run.output))
        return testing::AssertionFailure() << "output is not UTF-8: " << run;
    if (!run.errors.empty())
        return testing::AssertionFailure() << "stderr is not empty: " << run;
    const std::string word = integration::state_word(run.output);
    if (!integration::first_line(run.output).starts_with("PORT_OWNER " + word + " - "))
        return testing::AssertionFailure() << "line 1 is not 'PORT_OWNER STATE - ...': " << run;
    if (exit_code_of(word) != run.exit_code)
        return testing::AssertionFailure()
               << "exit code " << run.exit_code << " is not " << word << "'s: " << run;
    return testing::AssertionSuccess();
}

testing::AssertionResult has_verdict(const ProgramRun& run, ServiceState state) {
    if (auto contract = follows_output_contract(run); !contract)
        return contract;
    if (integration::state_word(run.output) != state.word)
        return testing::AssertionFailure() << "state is not " << state.word << ": " << run;
    return testing::AssertionSuccess();
}

testing::AssertionResult names_holder(const ProgramRun& run, std::string_view image, DWORD pid) {
    const std::string expected =
        "held by " + std::string(image) + " (pid " + std::to_string(pid) + ",";
    return first_line_contains(run, expected);
}

testing::AssertionResult first_line_contains(const ProgramRun& run, std::string_view text) {
    if (integration::first_line(run.output).find(text) == std::string::npos)
        return testing::AssertionFailure() << "line 1 lacks '" << text << "': " << run;
    return testing::AssertionSuccess();
}

}  // namespace windows_tests
