// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/match_conventions.hpp"

#include <algorithm>

#include "core/glob_match.hpp"

namespace port_owner {
namespace {

// `name` without the optional suffix when it ends in it and something is left before it.
std::string_view without_suffix(std::string_view name, const MatchConventions& conventions) {
    const auto suffix = conventions.optional_executable_suffix;
    if (suffix.empty() || name.size() <= suffix.size()) {
        return name;
    }
    const auto tail = name.substr(name.size() - suffix.size());
    return same_name(tail, suffix, conventions) ? name.substr(0, name.size() - suffix.size())
                                                : name;
}

// The text the glob matcher compares: case-folded where case does not count, with '/' for every
// separator where '\' is one.
std::string comparable_path(std::string_view path, const MatchConventions& conventions) {
    std::string text = conventions.ignore_case ? fold_ascii_case(path) : std::string(path);
    if (conventions.backslash_separates) {
        std::replace(text.begin(), text.end(), '\\', '/');
    }
    return text;
}

}  // namespace

MatchConventions MatchConventions::for_linux() {
    return MatchConventions{};
}

MatchConventions MatchConventions::for_windows() {
    MatchConventions conventions;
    conventions.ignore_case = true;
    conventions.optional_executable_suffix = ".exe";
    conventions.backslash_separates = true;
    conventions.accounts = Accounts::windows;
    conventions.hosted_services = true;
    return conventions;
}

std::string fold_ascii_case(std::string_view text) {
    std::string folded(text);
    for (auto& c : folded) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return folded;
}

bool same_name(std::string_view a, std::string_view b, const MatchConventions& conventions) {
    if (!conventions.ignore_case) {
        return a == b;
    }
    return a.size() == b.size() && fold_ascii_case(a) == fold_ascii_case(b);
}

std::string_view path_basename(std::string_view path, const MatchConventions& conventions) {
    const auto separator = path.find_last_of(conventions.backslash_separates ? "/\\" : "/");
    return separator == std::string_view::npos ? path : path.substr(separator + 1);
}

bool program_name_matches(std::string_view name, std::string_view basename,
                          const MatchConventions& conventions) {
    return same_name(without_suffix(name, conventions), without_suffix(basename, conventions),
                     conventions);
}

bool path_pattern_matches(std::string_view pattern, std::string_view path,
                          const MatchConventions& conventions) {
    if (!conventions.ignore_case && !conventions.backslash_separates) {
        return glob_matches(pattern, path);
    }
    return glob_matches(comparable_path(pattern, conventions), comparable_path(path, conventions));
}

}  // namespace port_owner
