// SPDX-License-Identifier: GPL-3.0-or-later
// glob_matches: the exe: patterns. tests/unit/linux/c_library_agreement_test.cpp compares it with
// fnmatch on random patterns.

#include <gtest/gtest.h>

#include <string>

#include "core/glob_match.hpp"

namespace port_owner {
namespace {

TEST(GlobMatch, StarQuestionMarkAndOrdinaryBytes) {
    EXPECT_TRUE(glob_matches("/usr/sbin/nginx", "/usr/sbin/nginx"));
    EXPECT_FALSE(glob_matches("/usr/sbin/nginx", "/usr/sbin/nginx2"));
    EXPECT_TRUE(glob_matches("/opt/*/bin/server", "/opt/app/v2/bin/server"));  // '*' crosses '/'
    EXPECT_TRUE(glob_matches("/usr/bin/python3.?", "/usr/bin/python3.9"));
    EXPECT_FALSE(glob_matches("/usr/bin/python3.?", "/usr/bin/python3.10"));
    EXPECT_TRUE(glob_matches("*", ""));
    EXPECT_TRUE(glob_matches("*.*", ".hidden"));
    EXPECT_FALSE(glob_matches("", "x"));
}

TEST(GlobMatch, BracketSets) {
    EXPECT_TRUE(glob_matches("/srv/app[0-9]", "/srv/app7"));
    EXPECT_FALSE(glob_matches("/srv/app[!0-9]", "/srv/app7"));
    EXPECT_TRUE(glob_matches("/srv/app[^0-9]", "/srv/appx"));
    EXPECT_TRUE(glob_matches("[]]", "]"));
    EXPECT_TRUE(glob_matches("[!]]", "a"));
    EXPECT_TRUE(glob_matches("[a-]", "-"));
    EXPECT_FALSE(glob_matches("[z-a]", "m"));
    EXPECT_TRUE(glob_matches("[[:digit:]][[:alpha:]]", "7q"));
    EXPECT_FALSE(glob_matches("[[:nosuch:]]", "a"));  // an unknown class matches nothing
    EXPECT_TRUE(glob_matches("[ab", "[ab"));          // an unclosed '[' is an ordinary byte
}

TEST(GlobMatch, BackslashMakesTheNextByteOrdinary) {
    EXPECT_TRUE(glob_matches("/opt/a\\*b", "/opt/a*b"));
    EXPECT_FALSE(glob_matches("/opt/a\\*b", "/opt/axb"));
    EXPECT_TRUE(glob_matches("[\\]]", "]"));
    EXPECT_FALSE(glob_matches("a\\", "a\\"));  // a trailing lone '\' matches nothing
}

TEST(GlobMatch, ManyStarsStayLinear) {
    // A backtracking matcher without the single resume point would take exponential time here.
    const std::string text(5000, 'a');
    EXPECT_FALSE(glob_matches("*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
    EXPECT_TRUE(glob_matches("*a*a*a*a*a*a*a*a*a*a*a*a*a*a", text));
}

}  // namespace
}  // namespace port_owner
