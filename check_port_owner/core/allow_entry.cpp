// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/allow_entry.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/container_name.hpp"
#include "core/input_error.hpp"
#include "core/whole_number.hpp"

namespace port_owner {
namespace {

constexpr std::string_view command_line_prefix = "cmdline:";

// No real command-line pattern needs more; it also keeps error messages short.
constexpr std::size_t max_regex_length = 1024;
// The start of an entry that is too long, enough for the admin to find it in the file.
constexpr std::size_t quoted_entry_length = 40;

// RE2's memory budget for one compiled pattern and its DFA caches (RE2's default is 8 MiB), so
// that many entries cannot take much memory. Even `\pL{100}` (120,000 instructions) fits; a
// pattern that does not is an input error, and a full DFA cache falls back to RE2's NFA, slower
// but still linear.
constexpr std::int64_t regex_memory_budget = 4 << 20;

// A `cmdline:` regex: RE2 syntax, found anywhere in the command line (a search, not a full match).
// RE2 runs in time linear in the command line, without recursion, so a hostile command line
// cannot make the check slow and no pattern can exhaust the stack.
std::shared_ptr<const re2::RE2> compile_command_line_regex(std::string_view pattern,
                                                           std::string_view whole_entry) {
    if (pattern.size() > max_regex_length) {
        throw InputError(
            fmt::format("invalid allow entry '{}...': cmdline: pattern longer than {} bytes",
                        whole_entry.substr(0, quoted_entry_length), max_regex_length));
    }
    re2::RE2::Options options;
    options.set_log_errors(false);  // errors become the InputError below, not lines on stderr
    options.set_max_mem(regex_memory_budget);
    auto regex =
        std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (regex->error_code() == re2::RE2::ErrorPatternTooLarge) {
        throw InputError(fmt::format(
            "invalid allow entry '{}': the cmdline: pattern is too large once compiled (over {} "
            "MiB); simplify it",
            whole_entry, regex_memory_budget >> 20));
    }
    if (!regex->ok()) {
        throw InputError(
            fmt::format("invalid allow entry '{}': '{}' is not a valid RE2 regular expression ({})",
                        whole_entry, pattern, regex->error()));
    }
    return regex;
}

// Absolute on some platform: a POSIX path, a Windows drive path (C:\ or C:/) or a UNC path
// (\\server\share). The grammar does not depend on the host, so that one allow-list serves Linux
// and Windows hosts; a path of the other platform's form matches nothing.
bool is_absolute_path(std::string_view path) {
    const auto is_letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    return path.starts_with('/') || path.starts_with("\\\\") ||
           (path.size() >= 3 && is_letter(path[0]) && path[1] == ':' &&
            (path[2] == '\\' || path[2] == '/'));
}

// An id prefix names a container only when it is long enough not to name many by chance:
// `docker ps` shows 12 digits, and `container:a` must not allow every id starting with `a`.
constexpr std::size_t min_container_id_prefix = 12;

// `container:` against the container a process runs in: its name, or a prefix of its id.
bool container_matches(std::string_view value, const std::optional<ContainerIdentity>& container) {
    if (!container) {
        return false;
    }
    if (!container->name.empty() && container->name == value) {
        return true;
    }
    return value.size() >= min_container_id_prefix &&
           std::string_view(container->id).starts_with(value);
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
        {"service:", AllowCondition::Kind::service},
        {"container:", AllowCondition::Kind::container},
        {command_line_prefix, AllowCondition::Kind::command_line},
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
            "(exe:, name:, user:, unit:, service:, container:, cmdline:)",
            whole_entry, value));
    }
    // `-p '80=nginx 81=nginx'` would otherwise allow a program named "nginx 81=nginx" and never
    // check port 81: a blank or '=' in a NAME is a rule written without its own -p.
    if (condition.kind == AllowCondition::Kind::executable_name &&
        value.find_first_of(" \t=") != std::string_view::npos) {
        throw InputError(fmt::format(
            "invalid allow entry '{}': a program name has no blank or '=' (one -p per rule; "
            "for such a file name use exe:PATH)",
            whole_entry));
    }
    if (condition.kind == AllowCondition::Kind::executable_path && !is_absolute_path(value)) {
        throw InputError(
            fmt::format("invalid allow entry '{}': exe: needs an absolute path", whole_entry));
    }
    if (condition.kind == AllowCondition::Kind::service &&
        value.find_first_of("/\\") != std::string_view::npos) {
        throw InputError(fmt::format(
            "invalid allow entry '{}': a service name has no '/' or '\\' (service: takes the "
            "short name, W3SVC)",
            whole_entry));
    }
    if (condition.kind == AllowCondition::Kind::container && !is_container_name(value)) {
        throw InputError(fmt::format(
            "invalid allow entry '{}': container: takes a container name (letters, digits, "
            "'_', '.', '-') or an id prefix",
            whole_entry));
    }
    condition.value = std::string(value);
    if (condition.kind == AllowCondition::Kind::user) {
        condition.uid = parse_whole_number<std::uint32_t>(value);
    }
    if (condition.kind == AllowCondition::Kind::command_line) {
        condition.regex = compile_command_line_regex(value, whole_entry);
    }
    return condition;
}

// A Windows SID as the system prints it (S-1-5-18, S-1-5-21-...): `user:` then names no account.
bool is_sid(std::string_view value) {
    return value.size() > 4 && fold_ascii_case(value.substr(0, 4)) == "s-1-";
}

// `user:` on Windows: a SID is compared with the token's SID; DOMAIN\name with the whole account;
// a bare name with the name part of DOMAIN\name, so `user:SYSTEM` matches NT AUTHORITY\SYSTEM.
// A number is no Windows account (there are no uids), so it matches nothing.
bool windows_account_matches(const AllowCondition& condition, std::string_view account,
                             std::string_view sid, const MatchConventions& conventions) {
    if (condition.uid) {
        return false;
    }
    const std::string_view value = condition.value;
    if (is_sid(value)) {
        return same_name(value, sid, conventions);
    }
    if (value.find('\\') == std::string_view::npos) {
        const auto backslash = account.rfind('\\');
        account = backslash == std::string_view::npos ? account : account.substr(backslash + 1);
    }
    return same_name(value, account, conventions);
}

// `user:` against an account: on POSIX the uid when the value is a number, else the name.
bool user_matches(const AllowCondition& condition, std::uint32_t uid, std::string_view name,
                  std::string_view sid, const MatchConventions& conventions) {
    if (conventions.accounts == MatchConventions::Accounts::windows) {
        return windows_account_matches(condition, name, sid, conventions);
    }
    return condition.uid ? *condition.uid == uid : condition.value == name;
}

// Service names are the service control manager's, which ignores case whatever the host's other
// conventions; on a host without services, `services` is empty and nothing matches.
bool hosts_service(const ProcessIdentity& holder, std::string_view service) {
    const auto wanted = fold_ascii_case(service);
    return std::any_of(
        holder.services.begin(), holder.services.end(),
        [&](const std::string& hosted) { return fold_ascii_case(hosted) == wanted; });
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
        // A cmdline: condition takes the rest of the entry, so its regex may contain '+'.
        const auto plus = text.substr(start).starts_with(command_line_prefix)
                              ? std::string_view::npos
                              : text.find('+', start);
        const auto piece = text.substr(start, plus == std::string_view::npos ? plus : plus - start);
        entry.conditions_.push_back(parse_condition(piece, text));
        if (plus == std::string_view::npos) {
            break;
        }
        start = plus + 1;
    }
    return entry;
}

std::size_t AllowEntry::length_in_list(std::string_view list, char separator) {
    // Walk the conditions: each starts at the beginning or after a '+'.
    const char condition_ends[] = {'+', separator};
    std::size_t start = 0;
    while (true) {
        if (list.substr(start).starts_with(command_line_prefix)) {
            return list.size();
        }
        const auto end = list.find_first_of(std::string_view(condition_ends, 2), start);
        if (end == std::string_view::npos) {
            return list.size();
        }
        if (list[end] == separator) {
            return end;
        }
        start = end + 1;
    }
}

MatchKind AllowEntry::match(const ProcessIdentity& holder,
                            const MatchConventions& conventions) const {
    bool undecidable = false;
    for (const auto& condition : conditions_) {
        bool holds = false;
        switch (condition.kind) {
            case AllowCondition::Kind::executable_name:
                if (!holder.executable) {
                    undecidable = true;
                    continue;
                }
                holds = program_name_matches(
                    condition.value, path_basename(*holder.executable, conventions), conventions);
                break;
            case AllowCondition::Kind::executable_path:
                if (!holder.executable) {
                    undecidable = true;
                    continue;
                }
                // The path names the file only when it is the file that runs (a process in its
                // own mount namespace can put any file under a trusted path).
                holds = path_pattern_matches(condition.value, *holder.executable, conventions);
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
                holds =
                    user_matches(condition, holder.uid, holder.user, holder.user_sid, conventions);
                break;
            case AllowCondition::Kind::unit:
                holds = (!holder.unit.empty() && holder.unit == condition.value) ||
                        (!holder.activation.socket_unit.empty() &&
                         holder.activation.socket_unit == condition.value);
                break;
            case AllowCondition::Kind::service:
                holds = hosts_service(holder, condition.value);
                break;
            case AllowCondition::Kind::container:
                // A container in a cgroup its user made is that user's word: a user:
                // condition of the same entry must vouch for it.
                holds = container_matches(condition.value, holder.container) &&
                        (holder.container->made_by_root || pins_user());
                break;
            case AllowCondition::Kind::command_line:
                if (!holder.command_line_known) {
                    undecidable = true;
                    continue;
                }
                holds = re2::RE2::PartialMatch(holder.command_line, *condition.regex);
                break;
        }
        if (!holds) {
            return MatchKind::no_match;
        }
    }
    return undecidable ? MatchKind::undecidable : MatchKind::matched;
}

bool AllowEntry::names_program() const {
    return std::any_of(conditions_.begin(), conditions_.end(), [](const auto& condition) {
        return condition.kind == AllowCondition::Kind::executable_name ||
               condition.kind == AllowCondition::Kind::executable_path;
    });
}

bool AllowEntry::pins_user() const {
    return std::any_of(conditions_.begin(), conditions_.end(), [](const AllowCondition& condition) {
        return condition.kind == AllowCondition::Kind::user;
    });
}

bool AllowEntry::is_user_only() const {
    return std::all_of(conditions_.begin(), conditions_.end(), [](const auto& condition) {
        return condition.kind == AllowCondition::Kind::user;
    });
}

bool AllowEntry::matches_socket_owner(const Listener& listener,
                                      const MatchConventions& conventions) const {
    // The socket owner is known by uid and name; no SID (Windows has no socket owner of its own).
    return is_user_only() && listener.socket_owner_known &&
           std::all_of(conditions_.begin(), conditions_.end(), [&](const auto& condition) {
               return user_matches(condition, listener.socket_uid, listener.socket_user, {},
                                   conventions);
           });
}

std::optional<std::string> AllowEntry::why_never_matches(
    const MatchConventions& conventions) const {
    for (const auto& condition : conditions_) {
        if (condition.kind == AllowCondition::Kind::service && !conventions.hosted_services) {
            return fmt::format("service:{} names a Windows service; no process hosts one here",
                               condition.value);
        }
        if (condition.kind == AllowCondition::Kind::user && condition.uid &&
            conventions.accounts == MatchConventions::Accounts::windows) {
            return fmt::format("user:{} is a uid; Windows accounts have none (use a name or SID)",
                               condition.value);
        }
    }
    return std::nullopt;
}

}  // namespace port_owner
