// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/threshold_range.hpp"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "core/input_error.hpp"

namespace port_owner {
namespace {

[[noreturn]] void reject(std::string_view text, std::string_view why) {
    throw InputError(fmt::format("invalid range '{}': {}", text, why));
}

// `[-+]?\d+(\.\d+)?`, the whole of `text`. Parsed by hand: from_chars would also take exponents,
// "inf" and "nan", which the grammar forbids.
bool parse_number(std::string_view text, double& number) {
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        ++i;
    }
    const auto digits = [&] {
        const auto start = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            ++i;
        }
        return i > start;
    };
    if (!digits()) {
        return false;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        if (!digits()) {
            return false;
        }
    }
    if (i != text.size()) {
        return false;
    }
    const auto unsigned_part = text.front() == '+' ? text.substr(1) : text;
    const auto [ptr, ec] =
        std::from_chars(unsigned_part.data(), unsigned_part.data() + unsigned_part.size(), number);
    return ec == std::errc{} && ptr == unsigned_part.data() + unsigned_part.size();
}

}  // namespace

ThresholdRange ThresholdRange::parse(std::string_view text) {
    ThresholdRange range;
    range.text_ = std::string(text);
    std::string_view rest = text;
    if (rest.starts_with('@')) {
        range.inside_ = true;
        rest.remove_prefix(1);
    }
    if (rest.find_first_of("0123456789~") == std::string_view::npos) {
        reject(text, "needs a number or '~'");
    }
    const auto colon = rest.find(':');
    std::string_view end_text = rest;
    if (colon != std::string_view::npos) {
        const auto start_text = rest.substr(0, colon);
        end_text = rest.substr(colon + 1);
        if (start_text == "~") {
            range.start_infinite_ = true;
        } else if (!start_text.empty() && !parse_number(start_text, range.start_)) {
            reject(text, fmt::format("'{}' is not a number or '~'", start_text));
        }
    }
    if (end_text.empty()) {
        range.end_infinite_ = true;
    } else if (!parse_number(end_text, range.end_)) {
        reject(text, fmt::format("'{}' is not a number", end_text));
    }
    if (!range.start_infinite_ && !range.end_infinite_ && range.start_ > range.end_) {
        reject(text, "start is above end");
    }
    range.simple_ = !range.inside_ && colon == std::string_view::npos;
    return range;
}

bool ThresholdRange::alerts(double value) const {
    const bool above_start = start_infinite_ || value >= start_;
    const bool below_end = end_infinite_ || value <= end_;
    const bool within = above_start && below_end;
    return inside_ ? within : !within;
}

bool ThresholdRange::as_plain_number(double& number) const {
    if (!simple_) {
        return false;
    }
    number = end_;
    return true;
}

}  // namespace port_owner
