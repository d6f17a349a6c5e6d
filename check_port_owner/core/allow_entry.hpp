#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/socket_model.hpp"

namespace port_owner {

// One condition of an allow entry (grammar and reasons: docs/decisions.md).
struct AllowCondition {
    enum class Kind { executable_name, executable_path, comm, user, unit, command_line };
    Kind kind = Kind::executable_name;
    std::string value;                        // as written after the prefix
    std::optional<std::uint32_t> uid;         // for `user:` given as a number
    std::shared_ptr<const std::regex> regex;  // for `cmdline:`
};

// How an identity was found to match an entry.
enum class MatchKind {
    no_match,
    matched,
    // No condition fails, but one asks about the executable (NAME, exe:) and the executable could
    // not be read or checked. Never a match: comm, which the process sets itself, is no stand-in.
    undecidable,
};

// One allow entry: conditions joined by `+`, all of which must hold.
class AllowEntry {
  public:
    // Throws InputError naming `text` when it is malformed.
    static AllowEntry parse(std::string_view text);

    const std::string& text() const { return text_; }
    const std::vector<AllowCondition>& conditions() const { return conditions_; }

    MatchKind match(const ProcessIdentity& holder) const;

    // True when every condition is `user:`. Such an entry can be decided from the kernel's socket
    // owner alone, without seeing the holder process.
    bool is_user_only() const;
    bool matches_socket_owner(const Listener& listener) const;

  private:
    std::string text_;
    std::vector<AllowCondition> conditions_;
};

}  // namespace port_owner
