#include "core/allow_entry.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "core/input_error.hpp"

namespace port_owner {
namespace {

constexpr std::size_t max_regex_length = 1024;

std::optional<std::uint32_t> parse_uid(std::string_view text) {
    std::uint32_t uid = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, uid);
    if (ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return uid;
}

AllowCondition parse_condition(std::string_view text, std::string_view whole_entry) {
    struct Prefix {
        std::string_view name;
        AllowCondition::Kind kind;
    };
    static constexpr Prefix prefixes[] = {
        {"exe:", AllowCondition::Kind::executable_path},
        {"name:", AllowCondition::Kind::comm},
        {"user:", AllowCondition::Kind::user},
        {"unit:", AllowCondition::Kind::unit},
        {"cmdline:", AllowCondition::Kind::command_line},
    };
    AllowCondition condition;
    std::string_view value = text;
    for (const auto& prefix : prefixes) {
        if (text.starts_with(prefix.name)) {
            condition.kind = prefix.kind;
            value = text.substr(prefix.name.size());
            break;
        }
    }
    if (value.empty()) {
        throw InputError(fmt::format("invalid allow entry '{}': empty condition", whole_entry));
    }
    if (condition.kind == AllowCondition::Kind::executable_name &&
        value.find_first_of(":/") != std::string_view::npos) {
        throw InputError(fmt::format(
            "invalid allow entry '{}': '{}' is neither a program name nor a known prefix "
            "(exe:, name:, user:, unit:, cmdline:)",
            whole_entry, value));
    }
    if (condition.kind == AllowCondition::Kind::executable_path && !value.starts_with('/')) {
        throw InputError(
            fmt::format("invalid allow entry '{}': exe: needs an absolute path", whole_entry));
    }
    condition.value = std::string(value);
    if (condition.kind == AllowCondition::Kind::user) {
        condition.uid = parse_uid(value);
    }
    if (condition.kind == AllowCondition::Kind::command_line) {
        // libstdc++ compiles regexes recursively: a deeply nested pattern from a hostile or broken
        // config would exhaust the stack. No real command-line pattern needs more than this.
        if (value.size() > max_regex_length) {
            throw InputError(fmt::format(
                "invalid allow entry: cmdline: pattern longer than {} bytes", max_regex_length));
        }
        try {
            condition.regex =
                std::make_shared<const std::regex>(condition.value, std::regex::ECMAScript);
        } catch (const std::regex_error&) {
            throw InputError(
                fmt::format("invalid allow entry '{}': '{}' is not a valid regular expression",
                            whole_entry, value));
        }
    }
    return condition;
}

bool user_matches(const AllowCondition& condition, std::uint32_t uid, std::string_view name) {
    return condition.uid ? *condition.uid == uid : condition.value == name;
}

}  // namespace

AllowEntry AllowEntry::parse(std::string_view text) {
    AllowEntry entry;
    entry.text_ = std::string(text);
    if (text.empty()) {
        throw InputError("invalid allow entry: empty");
    }
    std::size_t start = 0;
    while (true) {
        const auto plus = text.find('+', start);
        const auto piece = text.substr(start, plus == std::string_view::npos ? plus : plus - start);
        entry.conditions_.push_back(parse_condition(piece, text));
        if (plus == std::string_view::npos) {
            break;
        }
        start = plus + 1;
    }
    return entry;
}

MatchKind AllowEntry::match(const ProcessIdentity& holder) const {
    bool undecidable = false;
    for (const auto& condition : conditions_) {
        bool holds = false;
        switch (condition.kind) {
            case AllowCondition::Kind::executable_name:
                if (!holder.executable) {
                    undecidable = true;
                    continue;
                }
                holds = executable_basename(*holder.executable) == condition.value;
                break;
            case AllowCondition::Kind::executable_path:
                if (!holder.executable) {
                    undecidable = true;
                    continue;
                }
                // The path names the file only when it is the file that runs (a process in its
                // own mount namespace can put any file under a trusted path).
                holds = fnmatch(condition.value.c_str(), holder.executable->c_str(), 0) == 0;
                if (holds && holder.executable_file == ExecutableFileCheck::unknown) {
                    undecidable = true;
                    continue;
                }
                holds = holds && holder.executable_file == ExecutableFileCheck::same_file;
                break;
            case AllowCondition::Kind::comm:
                holds = holder.comm == condition.value;
                break;
            case AllowCondition::Kind::user:
                holds = user_matches(condition, holder.uid, holder.user);
                break;
            case AllowCondition::Kind::unit:
                holds = !holder.unit.empty() && holder.unit == condition.value;
                break;
            case AllowCondition::Kind::command_line:
                holds = std::regex_search(holder.command_line, *condition.regex);
                break;
        }
        if (!holds) {
            return MatchKind::no_match;
        }
    }
    return undecidable ? MatchKind::undecidable : MatchKind::matched;
}

bool AllowEntry::is_user_only() const {
    return std::all_of(conditions_.begin(), conditions_.end(), [](const auto& condition) {
        return condition.kind == AllowCondition::Kind::user;
    });
}

bool AllowEntry::matches_socket_owner(const Listener& listener) const {
    return is_user_only() &&
           std::all_of(conditions_.begin(), conditions_.end(), [&](const auto& condition) {
               return user_matches(condition, listener.socket_uid, listener.socket_user);
           });
}

}  // namespace port_owner
