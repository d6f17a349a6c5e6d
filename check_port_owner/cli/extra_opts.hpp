// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace port_owner {

// Expands every --extra-opts[=[SECTION][@FILE]] argument (Monitoring Plugins convention,
// docs/architecture.md): the
// options read from the files are placed before the remaining command line, in order, so the
// command line wins for single-valued options and repeatable ones add up. As in the Monitoring
// Plugins, `--extra-opts VALUE` (two arguments) is the same as `--extra-opts=VALUE` unless VALUE
// starts with '-'. Arguments after `--` are left as they are (the option parser refuses them).
// Without @FILE the standard search path is used; MP_CONFIG_FILE and NAGIOS_CONFIG_PATH are
// ignored when running with privilege on someone's behalf. Throws InputError when a file or
// section is missing or malformed.
struct ExpandedArguments {
    std::vector<std::string> arguments;  // program name first
    std::vector<std::string> files;      // the extra-opts files that were read
};
// `argv`: the whole command line as UTF-8, program name first (platform::utf8_arguments).
ExpandedArguments expand_extra_opts(const std::vector<std::string>& argv);

}  // namespace port_owner
