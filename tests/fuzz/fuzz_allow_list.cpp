// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the allow-list (INI) file parser. Every problem must come out as an InputError of the
// form `FILE:LINE: what is wrong`, with LINE a line of the file; anything else is a finding.

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/allow_list_file.hpp"
#include "core/input_error.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr std::string_view file_name = "fuzz.ini";

void check_message(std::string_view message, std::string_view text) {
    FUZZ_CHECK(message.starts_with(file_name));
    message.remove_prefix(file_name.size());
    FUZZ_CHECK(message.starts_with(':'));
    message.remove_prefix(1);
    int line = 0;
    const auto [end, ec] = std::from_chars(message.data(), message.data() + message.size(), line);
    FUZZ_CHECK(ec == std::errc{});
    const auto lines = 1 + std::count(text.begin(), text.end(), '\n');
    FUZZ_CHECK(line >= 1 && line <= lines);
    FUZZ_CHECK(std::string_view(end, message.data() + message.size() - end).starts_with(": "));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = port_owner::fuzz::as_text(data, size);
    port_owner::AllowListFile file;
    try {
        file = port_owner::parse_allow_list(text, file_name);
    } catch (const port_owner::InputError& error) {
        check_message(error.what(), text);
        return 0;
    }
    for (const auto& rule : file.rules) {
        FUZZ_CHECK(rule.origin.starts_with(file_name));
        FUZZ_CHECK(!rule.label().empty());
        (void)rule.allowed_text();
        for (const auto& entry : rule.allow) {
            FUZZ_CHECK(!entry.conditions().empty());
        }
    }
    FUZZ_CHECK(file.ignore.size() <= size);
    return 0;
}
