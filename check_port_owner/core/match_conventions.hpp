// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace port_owner {

// How a platform names files and users, which decides what an allow entry matches: the same
// allow-list text (shared between hosts) is read the same everywhere, and judged by the
// conventions of the host that runs the check. A value handed to the verdict and to --learn by
// main.cpp (platform::match_conventions()), not a compile-time switch, so that both sets of rules
// are unit-tested on any platform (docs/decisions.md, "Naming conventions are a value").
struct MatchConventions {
    // File names, user names and domains that differ only in the case of ASCII letters are the
    // same (Windows: NTFS and accounts ignore case). Non-ASCII letters are compared as bytes:
    // Windows folds them too, by its own table, which no pure function here reproduces; a path
    // or a name spelt the way the system reports it always matches.
    bool ignore_case = false;
    // A NAME entry matches the executable's basename with or without this suffix, compared
    // under ignore_case (".exe": `inetinfo` matches inetinfo.exe). Empty: no suffix is special.
    std::string_view optional_executable_suffix;
    // '\' separates path components as '/' does, in executable paths and in exe: patterns. Then
    // '\' in an exe: pattern is never a glob escape: a literal '[' is written "[[]".
    bool backslash_separates = false;
    // How `user:` names an account. posix: a name, or a number that is the uid. windows: a SID
    // (S-1-5-18), DOMAIN\name, or a name that matches the name part of DOMAIN\name; a number is
    // no account, so such an entry never matches there.
    enum class Accounts { posix, windows };
    Accounts accounts = Accounts::posix;
    // Whether processes host services that `service:` names (Windows' service control manager:
    // W3SVC, WAS). Where they do not, a service: entry matches nothing, and the report says so.
    bool hosted_services = false;

    // Today's Linux behaviour: every comparison exact, '/' the only separator, numeric uids.
    static MatchConventions for_linux();
    // Windows: case-insensitive names and paths, '.exe' optional in NAME, '\' and '/' alike,
    // accounts by SID or DOMAIN\name, services.
    static MatchConventions for_windows();
};

// ASCII letters lowered, every other byte kept. Enough for what these conventions compare (see
// MatchConventions::ignore_case).
std::string fold_ascii_case(std::string_view text);

// Whether two names are the same under the conventions (case-insensitively when ignore_case).
bool same_name(std::string_view a, std::string_view b, const MatchConventions& conventions);

// The last component of a path: after the last '/', or '\' where that separates too.
std::string_view path_basename(std::string_view path, const MatchConventions& conventions);

// Whether a NAME entry names the file `basename`: the same name, or, where the conventions have
// an optional suffix, the same once the suffix is taken off either side.
bool program_name_matches(std::string_view name, std::string_view basename,
                          const MatchConventions& conventions);

// Whether the exe: glob `pattern` matches `path`. Where names ignore case or '\' separates, both
// are case-folded and every '\' becomes '/' before core/glob_match sees them, which keeps the
// glob matcher's own contract (fnmatch's) unchanged.
bool path_pattern_matches(std::string_view pattern, std::string_view path,
                          const MatchConventions& conventions);

}  // namespace port_owner
