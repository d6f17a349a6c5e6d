// SPDX-License-Identifier: GPL-3.0-or-later
#include "command_line.hpp"

#include <fcntl.h>

#include <charconv>
#include <span>
#include <string_view>
#include <utility>

#include <fmt/core.h>

namespace port_holder {

const char* const kUsage =
    "usage: port_holder [--comm NAME] [--workers N] [--ready-fd FD | --ready-file PATH]\n"
    "                   [--argv-padding TEXT]... [--heir PATH:MODE]...\n"
    "                   --socket PROTO/ADDR:PORT[,reuseport][,reuseaddr][,v6only=on|off]\n"
    "                            [,connect=ADDR:PORT][,nolisten]...\n";

namespace {

// The most workers a test plausibly wants; a typo such as 1000000 must not fork-bomb the host.
constexpr unsigned kMaxWorkers = 64;

unsigned parse_unsigned(std::string_view option, std::string_view text, unsigned max) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value > max) {
        throw UsageError(fmt::format("{} '{}' is not a number from 0 to {}", option, text, max));
    }
    return value;
}

int parse_ready_fd(std::string_view text) {
    const int fd = static_cast<int>(parse_unsigned("--ready-fd", text, 1'000'000));
    if (fcntl(fd, F_GETFD) < 0) {
        throw UsageError(fmt::format("--ready-fd {} is not an open file descriptor", fd));
    }
    return fd;
}

std::vector<int> parse_fd_list(std::string_view text) {
    std::vector<int> fds;
    while (!text.empty()) {
        const auto comma = text.find(',');
        fds.push_back(parse_ready_fd(text.substr(0, comma)));
        text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
    }
    return fds;
}

// Walks argv, handing out option names and their values in either spelling.
class ArgumentCursor {
  public:
    explicit ArgumentCursor(std::span<const char* const> arguments) : arguments_(arguments) {}

    bool done() const { return next_ >= arguments_.size(); }

    // The next option's name; its value, if written `--name=VALUE`, is kept for value().
    std::string_view next_option() {
        std::string_view argument = arguments_[next_++];
        has_inline_value_ = false;
        if (const auto equals = argument.find('='); equals != std::string_view::npos) {
            has_inline_value_ = true;
            inline_value_ = argument.substr(equals + 1);
            argument = argument.substr(0, equals);
        }
        return argument;
    }

    std::string_view value(std::string_view option) {
        if (std::exchange(has_inline_value_, false))
            return inline_value_;
        if (done())
            throw UsageError(fmt::format("{} needs a value", option));
        return arguments_[next_++];
    }

    void expect_no_value(std::string_view option) const {
        if (has_inline_value_)
            throw UsageError(fmt::format("{} takes no value", option));
    }

  private:
    std::span<const char* const> arguments_;
    std::size_t next_ = 0;
    // A plain pair rather than std::optional: GCC 12 warns (maybe-uninitialized) on the latter.
    bool has_inline_value_ = false;
    std::string_view inline_value_;
};

}  // namespace

HolderConfig parse_command_line(int argc, const char* const* argv) {
    HolderConfig config;
    ArgumentCursor cursor(std::span(argv + 1, static_cast<std::size_t>(argc - 1)));
    while (!cursor.done()) {
        const std::string_view option = cursor.next_option();
        if (option == "--socket") {
            try {
                config.sockets.push_back(parse_socket_spec(cursor.value(option)));
            } catch (const std::invalid_argument& error) {
                throw UsageError(error.what());
            }
        } else if (option == "--comm") {
            const std::string_view comm = cursor.value(option);
            if (comm.empty())
                throw UsageError("--comm needs a non-empty name");
            config.comm = std::string(comm);
        } else if (option == "--workers") {
            config.workers = parse_unsigned(option, cursor.value(option), kMaxWorkers);
        } else if (option == "--ready-fd") {
            config.ready_fd = parse_ready_fd(cursor.value(option));
        } else if (option == "--ready-file") {
            const std::string_view path = cursor.value(option);
            if (path.empty())
                throw UsageError("--ready-file needs a path");
            config.ready_file = std::string(path);
        } else if (option == "--argv-padding") {
            config.argv_padding.emplace_back(cursor.value(option));
        } else if (option == "--heir") {
            try {
                config.heirs.push_back(parse_heir_spec(cursor.value(option)));
            } catch (const std::invalid_argument& error) {
                throw UsageError(error.what());
            }
        } else if (option == "--adopt") {
            try {
                config.adopt = parse_heir_mode(cursor.value(option));
            } catch (const std::invalid_argument& error) {
                throw UsageError(error.what());
            }
        } else if (option == "--adopt-fds") {
            config.adopt_fds = parse_fd_list(cursor.value(option));
        } else if (option == "--adopt-count") {
            config.adopt_count = parse_unsigned(option, cursor.value(option), 64);
        } else if (option == "--help" || option == "-h") {
            cursor.expect_no_value(option);
            config.help = true;
            return config;
        } else {
            throw UsageError(fmt::format("unknown argument '{}'", option));
        }
    }
    if (config.ready_fd && config.ready_file) {
        throw UsageError("--ready-fd and --ready-file exclude each other");
    }
    if (config.adopt) {
        if (!config.sockets.empty() || !config.heirs.empty() || config.adopt_fds.empty() ||
            !config.ready_fd)
            throw UsageError("--adopt takes --adopt-fds and --ready-fd, and no --socket or --heir");
        return config;
    }
    if (config.sockets.empty())
        throw UsageError("at least one --socket is needed");
    return config;
}

}  // namespace port_holder
