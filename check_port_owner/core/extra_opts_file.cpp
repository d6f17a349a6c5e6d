// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/extra_opts_file.hpp"

#include <fmt/format.h>

#include "core/byte_order_mark.hpp"
#include "core/input_error.hpp"
#include "core/text_lines.hpp"
#include "core/text_trim.hpp"

namespace port_owner {

std::optional<std::vector<std::string>> extra_opts_arguments(std::string_view text,
                                                             std::string_view section,
                                                             std::string_view file_name) {
    std::optional<std::vector<std::string>> arguments;
    bool in_section = false;
    for (const auto [line_number, untrimmed] :
         NumberedTextLines(without_byte_order_mark(text, file_name))) {
        const auto line = trim_blanks(untrimmed);
        if (line.empty() || line.front() == '#' || line.front() == ';') {
            continue;
        }
        if (line.front() == '[') {
            if (line.back() != ']') {
                throw InputError(
                    fmt::format("{}:{}: unterminated section header", file_name, line_number));
            }
            in_section = trim_blanks(line.substr(1, line.size() - 2)) == section;
            if (in_section && !arguments) {
                arguments.emplace();
            }
            continue;
        }
        const auto equals = line.find('=');
        const auto key = trim_blanks(line.substr(0, equals));
        if (equals == std::string_view::npos || key.empty()) {
            throw InputError(fmt::format("{}:{}: not a 'key = value' line nor a [section]",
                                         file_name, line_number));
        }
        if (!in_section) {
            continue;
        }
        const auto value = trim_blanks(line.substr(equals + 1));
        arguments->push_back(value.empty() ? fmt::format("--{}", key)
                                           : fmt::format("--{}={}", key, value));
    }
    return arguments;
}

ExtraOptsReference parse_extra_opts_reference(std::string_view value,
                                              std::string_view default_section) {
    ExtraOptsReference reference;
    const auto at = value.find('@');
    const auto section = value.substr(0, at);
    reference.section = std::string(section.empty() ? default_section : section);
    if (at != std::string_view::npos) {
        const auto file = value.substr(at + 1);
        if (file.empty()) {
            throw InputError("--extra-opts: no file after '@'");
        }
        reference.file = std::string(file);
    }
    return reference;
}

}  // namespace port_owner
