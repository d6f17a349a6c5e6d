// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/match_conventions.hpp"
#include "core/socket_model.hpp"

namespace re2 {
class RE2;
}

namespace port_owner {

// One condition of an allow entry (grammar and reasons: docs/decisions.md).
struct AllowCondition {
    enum class Kind {
        executable_name,
        executable_path,
        comm,
        user,
        unit,
        service,
        command_line,
        container,
    };
    Kind kind = Kind::executable_name;
    std::string value;                      // as written after the prefix
    std::optional<std::uint32_t> uid;       // for `user:` given as a number
    std::shared_ptr<const re2::RE2> regex;  // for `cmdline:`
};

// How an identity was found to match an entry.
enum class MatchKind {
    no_match,
    matched,
    // No condition fails, but one asks about the executable (NAME, exe:) and the executable could
    // not be read or checked. Never a match: comm, which the process sets itself, is no stand-in.
    undecidable,
};

// One allow entry: conditions joined by `+`, all of which must hold. A `cmdline:` condition takes
// the rest of the entry, `+` included, so it comes last: `exe:/usr/bin/python3+cmdline:a+b` is
// the path AND the regex `a+b`. Every regex can thus be written, and no text means two things.
class AllowEntry {
  public:
    // Throws InputError naming `text` when it is malformed.
    static AllowEntry parse(std::string_view text);

    // The length of the first entry of `list`, where entries are separated by `separator` (the
    // `,` of a -p rule): up to the first separator, unless a `cmdline:` condition starts before
    // it, which takes the rest of `list`, separators included.
    static std::size_t length_in_list(std::string_view list, char separator);

    const std::string& text() const { return text_; }
    const std::vector<AllowCondition>& conditions() const { return conditions_; }

    // Judged by the naming conventions of the host that runs the check (NAME and exe: ignore
    // case on Windows, user: takes a SID there; core/match_conventions.hpp).
    MatchKind match(const ProcessIdentity& holder, const MatchConventions& conventions) const;

    // True when the entry names a program (NAME or exe:). Only such an entry allows a container
    // engine's port proxy itself; any other is judged on the processes behind the proxy.
    bool names_program() const;

    // True when every condition is `user:`. Such an entry can be decided from the kernel's socket
    // owner alone, without seeing the holder process.
    bool is_user_only() const;
    bool matches_socket_owner(const Listener& listener, const MatchConventions& conventions) const;

    // Why the entry can match no process on a host with these conventions (a `service:` where
    // processes host no services, a numeric `user:` where accounts have no uid), for the report;
    // nullopt when it can match. The grammar is the same everywhere, so that one allow-list can
    // serve Linux and Windows hosts: such an entry is accepted, and simply allows nothing here.
    std::optional<std::string> why_never_matches(const MatchConventions& conventions) const;

  private:
    // True when a `user:` condition is part of the entry.
    bool pins_user() const;

    std::string text_;
    std::vector<AllowCondition> conditions_;
};

}  // namespace port_owner
