// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/answer_agreement.hpp"

#include <fmt/format.h>

#include "core/state.hpp"
#include "core/text_escape.hpp"

namespace port_owner {
namespace {

constexpr std::string_view report_prefix = "PORT_OWNER ";
// Enough of a line that is not a report to recognise it (a shell error, a crash message) while
// the message about it stays one short line.
constexpr std::size_t quoted_line_width = 60;

// The state named by `PORT_OWNER WORD ` on line 1, nullopt when line 1 is not of that form.
std::optional<State> state_of_first_line(std::string_view output) {
    if (!output.starts_with(report_prefix)) {
        return std::nullopt;
    }
    const auto rest = output.substr(report_prefix.size());
    const auto word = rest.substr(0, rest.find_first_of(" \n"));
    for (const auto state : {State::ok, State::warning, State::critical, State::unknown}) {
        if (word == state_word(state) && rest.size() > word.size() && rest[word.size()] == ' ') {
            return state;
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> answer_disagreement(std::string_view output, int exit_code,
                                               ExpectedOutput expected) {
    if (exit_code < 0 || exit_code > 3) {
        return fmt::format("ended with exit code {}", exit_code);
    }
    if (output.empty()) {
        return fmt::format("printed nothing and ended with exit code {}", exit_code);
    }
    const auto state = state_of_first_line(output);
    if (!state) {
        if (expected == ExpectedOutput::allow_list && exit_code == 0) {
            return std::nullopt;
        }
        const auto first_line = output.substr(0, output.find('\n'));
        return fmt::format("printed '{}' and ended with exit code {}",
                           escape_text(first_line, quoted_line_width), exit_code);
    }
    if (static_cast<int>(*state) != exit_code) {
        return fmt::format("printed {} but ended with exit code {}", state_word(*state), exit_code);
    }
    return std::nullopt;
}

}  // namespace port_owner
