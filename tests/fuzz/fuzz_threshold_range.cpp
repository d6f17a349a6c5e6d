// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the Nagios threshold range parser (`[@][START:]END`) and its evaluation.
//
// Input: the range text, optionally followed by '\n' and 8 bytes read as a double to test.
// Properties: `@RANGE` alerts exactly where RANGE does not; the simple form `N` alerts outside
// 0..N and reports N as its plain number.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "core/input_error.hpp"
#include "core/threshold_range.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using port_owner::ThresholdRange;
    const auto input = port_owner::fuzz::as_text(data, size);
    const auto newline = input.find('\n');
    const auto text = input.substr(0, newline);

    ThresholdRange range;
    try {
        range = ThresholdRange::parse(text);
    } catch (const port_owner::InputError&) {
        return 0;
    }
    FUZZ_CHECK(range.text() == text);

    std::array<double, 12> values{0.0,
                                  -0.0,
                                  1.0,
                                  -1.0,
                                  0.5,
                                  10.0,
                                  1e300,
                                  -1e300,
                                  std::numeric_limits<double>::infinity(),
                                  -std::numeric_limits<double>::infinity(),
                                  std::numeric_limits<double>::denorm_min(),
                                  0.0};
    if (newline != std::string_view::npos && input.size() - newline - 1 >= sizeof(double)) {
        std::memcpy(&values.back(), input.data() + newline + 1, sizeof(double));
    }

    const bool inverted_parses = !text.starts_with('@');
    ThresholdRange inverted;
    if (inverted_parses) {
        try {
            inverted = ThresholdRange::parse("@" + std::string(text));
        } catch (const port_owner::InputError&) {
            FUZZ_CHECK(!"RANGE parses but @RANGE does not");
        }
    }
    double plain = 0;
    const bool simple = range.as_plain_number(plain);
    for (const double value : values) {
        const bool alerts = range.alerts(value);
        if (inverted_parses && !std::isnan(value)) {
            FUZZ_CHECK(inverted.alerts(value) == !alerts);
        }
        if (simple && !std::isnan(value)) {
            FUZZ_CHECK(alerts == (value < 0 || value > plain));
        }
    }
    return 0;
}
