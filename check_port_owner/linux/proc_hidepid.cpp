// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/proc_hidepid.hpp"

#include <fcntl.h>

#include "core/text_lines.hpp"
#include "linux/file_reading.hpp"

namespace port_owner::linux_os {
namespace {

std::string_view field(std::string_view& rest) {
    const auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        rest = {};
        return {};
    }
    rest.remove_prefix(start);
    const auto end = rest.find(' ');
    const auto value = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return value;
}

}  // namespace

std::string proc_hidepid_option(std::string_view mountinfo) {
    std::string option;
    for (std::string_view rest : TextLines(mountinfo)) {
        // id parent major:minor root mount-point options [optional...] - fstype source super
        field(rest);
        field(rest);
        field(rest);
        field(rest);
        const auto mount_point = field(rest);
        std::string_view token;
        do {
            token = field(rest);
        } while (!token.empty() && token != "-");
        const auto filesystem = field(rest);
        field(rest);
        const auto super_options = field(rest);
        if (mount_point != "/proc" || filesystem != "proc") {
            continue;
        }
        // The last /proc mount in the list is the one on top.
        option.clear();
        std::string_view options = super_options;
        while (!options.empty()) {
            const auto comma = options.find(',');
            const auto item = options.substr(0, comma);
            options.remove_prefix(comma == std::string_view::npos ? options.size() : comma + 1);
            if (item.starts_with("hidepid=")) {
                const auto value = item.substr(8);
                if (value != "0" && value != "off") {
                    option = std::string(value);
                }
            }
        }
    }
    return option;
}

std::string current_proc_hidepid_option() {
    std::string text;
    if (read_file_at(AT_FDCWD, "/proc/self/mountinfo", text, 4 * 1024 * 1024) != 0) {
        return {};
    }
    return proc_hidepid_option(text);
}

}  // namespace port_owner::linux_os
