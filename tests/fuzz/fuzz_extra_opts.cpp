// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the --extra-opts reference parser (`[SECTION][@FILE]`) and the extra-opts INI reader.
//
// Input: the --extra-opts value, '\n', then the file's text. Properties: every argument is an
// option (`--key` or `--key=value`), and every problem is an InputError `FILE:LINE: ...`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/extra_opts_file.hpp"
#include "core/input_error.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr std::string_view file_name = "fuzz.ini";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace port_owner;
    const auto input = fuzz::as_text(data, size);
    const auto split = port_owner::fuzz::split_first_line(input);
    const auto value = split.line;
    const auto text = split.rest;

    ExtraOptsReference reference;
    try {
        reference = parse_extra_opts_reference(value, "check_port_owner");
        FUZZ_CHECK(!reference.section.empty());
        FUZZ_CHECK(!reference.file || !reference.file->empty());
    } catch (const InputError&) {
        reference.section = "check_port_owner";
    }

    try {
        const auto arguments = extra_opts_arguments(text, reference.section, file_name);
        if (arguments) {
            for (const auto& argument : *arguments) {
                FUZZ_CHECK(argument.size() > 2 && argument.starts_with("--"));
                FUZZ_CHECK(argument.find('\n') == std::string::npos);
            }
        }
    } catch (const InputError& error) {
        FUZZ_CHECK(std::string_view(error.what()).starts_with(std::string(file_name) + ":"));
    }
    return 0;
}
