// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace port_owner {

// The Monitoring Plugins extra-opts file format (docs/architecture.md, "--extra-opts"): INI
// sections, `key = value` becomes `--key=value`, `key=` (empty value) the flag `--key`, lines
// starting with `#` or `;` are comments. Returns the arguments of `section` in file order, or
// nullopt when the section is absent. Throws InputError `FILE:LINE: problem` for a malformed
// line; the message never quotes the line, since the file may be one the caller cannot read.
std::optional<std::vector<std::string>> extra_opts_arguments(std::string_view text,
                                                             std::string_view section,
                                                             std::string_view file_name);

// Splits an --extra-opts value `[SECTION][@FILE]` into its parts; an empty section means the
// plugin's name.
struct ExtraOptsReference {
    std::string section;
    std::optional<std::string> file;
};
ExtraOptsReference parse_extra_opts_reference(std::string_view value,
                                              std::string_view default_section);

}  // namespace port_owner
