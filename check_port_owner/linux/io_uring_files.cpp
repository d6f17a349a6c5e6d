// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/io_uring_files.hpp"

#include <charconv>
#include <string>

#include "core/text_lines.hpp"
#include "core/whole_number.hpp"
#include "linux/file_reading.hpp"

namespace port_owner::linux_os {
namespace {

// Far more than any real ring lists; a longer fdinfo is read in part and judged incomplete.
constexpr std::size_t max_fdinfo_bytes = 1 << 20;
constexpr std::string_view user_files_key = "UserFiles:";
constexpr std::string_view socket_prefix = "socket:[";

std::uint64_t leading_number(std::string_view text) {
    const auto start = text.find_first_not_of(" \t");
    std::uint64_t value = 0;
    if (start != std::string_view::npos) {
        std::from_chars(text.data() + start, text.data() + text.size(), value);
    }
    return value;
}

}  // namespace

RingFiles parse_io_uring_fdinfo(std::string_view fdinfo) {
    RingFiles files;
    std::uint64_t registered = 0;
    std::size_t listed = 0;
    bool in_list = false;
    for (const std::string_view line : TextLines(fdinfo)) {
        if (line.starts_with(user_files_key)) {
            registered = leading_number(line.substr(user_files_key.size()));
            in_list = true;
            continue;
        }
        // The list's lines are "%5u: PATH"; the next key ("UserBufs:") ends it.
        const auto colon = line.find(':');
        const bool list_line =
            in_list && colon != std::string_view::npos &&
            line.substr(0, colon).find_first_not_of(" 0123456789") == std::string_view::npos;
        if (!list_line) {
            in_list = false;
            continue;
        }
        ++listed;
        auto path = line.substr(colon + 1);
        path.remove_prefix(std::min(path.size(), path.find_first_not_of(" \t")));
        if (path.starts_with(socket_prefix) && path.ends_with(']')) {
            const auto digits =
                path.substr(socket_prefix.size(), path.size() - socket_prefix.size() - 1);
            if (const auto inode = parse_whole_number<std::uint64_t>(digits); inode && *inode) {
                files.socket_inodes.push_back(*inode);
            }
        }
    }
    files.complete = registered == 0 || listed > 0;
    return files;
}

int read_io_uring_files(int directory_fd, const char* fdinfo_path, RingFiles& files) {
    std::string text;
    if (const int error = read_file_at(directory_fd, fdinfo_path, text, max_fdinfo_bytes);
        error != 0) {
        return error;
    }
    files = parse_io_uring_fdinfo(text);
    if (text.size() >= max_fdinfo_bytes) {
        files.complete = false;
    }
    return 0;
}

}  // namespace port_owner::linux_os
