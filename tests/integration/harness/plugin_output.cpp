// SPDX-License-Identifier: GPL-3.0-or-later
#include "plugin_output.hpp"

#include <sstream>

namespace integration {

std::vector<std::string> output_lines(std::string_view output) {
    std::vector<std::string> lines;
    std::istringstream stream{std::string(output)};
    for (std::string line; std::getline(stream, line);)
        lines.push_back(line);
    return lines;
}

std::string first_line(std::string_view output) {
    return std::string(output.substr(0, output.find('\n')));
}

std::string state_word(std::string_view output) {
    constexpr std::string_view kPrefix = "PORT_OWNER ";
    const std::string line = first_line(output);
    if (!line.starts_with(kPrefix))
        return {};
    const std::string_view rest = std::string_view(line).substr(kPrefix.size());
    return std::string(rest.substr(0, rest.find(' ')));
}

std::vector<std::string> long_output_lines(std::string_view output) {
    std::vector<std::string> lines = output_lines(output);
    if (!lines.empty())
        lines.erase(lines.begin());
    std::erase_if(lines, [](const std::string& line) { return line.starts_with("| "); });
    return lines;
}

std::map<std::string, std::string> perfdata(std::string_view output) {
    std::map<std::string, std::string> values;
    const std::string line = first_line(output);
    const auto bar = line.find('|');
    if (bar == std::string::npos)
        return values;
    std::istringstream items(line.substr(bar + 1));
    for (std::string item; items >> item;) {
        const auto equals = item.rfind('=');
        if (equals == std::string::npos)
            continue;
        std::string label = item.substr(0, equals);
        if (label.size() >= 2 && label.front() == '\'' && label.back() == '\'') {
            label = label.substr(1, label.size() - 2);
        }
        const std::string value = item.substr(equals + 1);
        values[label] = value.substr(0, value.find(';'));
    }
    return values;
}

}  // namespace integration
