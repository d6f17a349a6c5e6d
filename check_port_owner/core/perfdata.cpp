// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/perfdata.hpp"

#include <cmath>

#include <fmt/format.h>

namespace port_owner {

std::string format_perf_number(double number) {
    if (!std::isfinite(number)) {
        number = 0;
    }
    // fmt ignores the C locale, so the decimal point is always '.'; fixed notation never
    // produces an exponent.
    auto text = fmt::format("{:.6f}", number);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') {
        text.pop_back();
    }
    if (text == "-0") {
        text = "0";
    }
    return text;
}

std::string format_perf_value(const PerfValue& value) {
    const auto optional_number = [](const std::optional<double>& number) {
        return number ? format_perf_number(*number) : std::string();
    };
    auto text =
        fmt::format("{}={}{};{};{};{};{}", value.label, format_perf_number(value.value), value.unit,
                    optional_number(value.warning), optional_number(value.critical),
                    optional_number(value.minimum), optional_number(value.maximum));
    text.erase(text.find_last_not_of(';') + 1);
    return text;
}

std::string format_perfdata(const std::vector<PerfValue>& values) {
    std::string text;
    for (const auto& value : values) {
        if (!text.empty()) {
            text += ' ';
        }
        text += format_perf_value(value);
    }
    return text;
}

}  // namespace port_owner
