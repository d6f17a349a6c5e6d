// SPDX-License-Identifier: GPL-3.0-or-later
// Allow entries (docs/decisions.md): parsing, matching holder identities, the socket-owner check.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/allow_entry.hpp"
#include "core/input_error.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using Kind = AllowCondition::Kind;
using test_support::nginx;
using test_support::process;

struct ParseCase {
    std::string text;
    std::vector<std::pair<Kind, std::string>> conditions;
};

TEST(AllowEntryParse, ValidEntries) {
    const ParseCase cases[] = {
        {"nginx", {{Kind::executable_name, "nginx"}}},
        {"docker-proxy", {{Kind::executable_name, "docker-proxy"}}},
        {"exe:/usr/sbin/nginx", {{Kind::executable_path, "/usr/sbin/nginx"}}},
        {"exe:/usr/lib/jvm/*/bin/java", {{Kind::executable_path, "/usr/lib/jvm/*/bin/java"}}},
        {"name:nginx", {{Kind::comm, "nginx"}}},
        {"user:root", {{Kind::user, "root"}}},
        {"user:33", {{Kind::user, "33"}}},
        {"unit:nginx.service", {{Kind::unit, "nginx.service"}}},
        {"cmdline:^/usr/bin/python3 .*app\\.py",
         {{Kind::command_line, "^/usr/bin/python3 .*app\\.py"}}},
        {"exe:/usr/sbin/nginx+user:root",
         {{Kind::executable_path, "/usr/sbin/nginx"}, {Kind::user, "root"}}},
        {"user:www-data+unit:php8.2-fpm.service+cmdline:pool www",
         {{Kind::user, "www-data"},
          {Kind::unit, "php8.2-fpm.service"},
          {Kind::command_line, "pool www"}}},
        // cmdline: takes the rest of the entry: '+' is the regex's, not a separator.
        {"cmdline:gunicorn.+myapp", {{Kind::command_line, "gunicorn.+myapp"}}},
        {"exe:/usr/bin/python3+cmdline:gunicorn.+myapp",
         {{Kind::executable_path, "/usr/bin/python3"}, {Kind::command_line, "gunicorn.+myapp"}}},
        {"cmdline:a+user:root", {{Kind::command_line, "a+user:root"}}},
        {"cmdline:x+cmdline:y", {{Kind::command_line, "x+cmdline:y"}}},
        {"cmdline:^x, y$", {{Kind::command_line, "^x, y$"}}},
        {"user:0+cmdline:a+b+c", {{Kind::user, "0"}, {Kind::command_line, "a+b+c"}}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const auto entry = AllowEntry::parse(c.text);
        EXPECT_EQ(entry.text(), c.text);
        ASSERT_EQ(entry.conditions().size(), c.conditions.size());
        for (std::size_t i = 0; i < c.conditions.size(); ++i) {
            EXPECT_EQ(entry.conditions()[i].kind, c.conditions[i].first) << i;
            EXPECT_EQ(entry.conditions()[i].value, c.conditions[i].second) << i;
        }
    }
}

TEST(AllowEntryParse, UserGivenAsNumberKeepsTheUid) {
    EXPECT_EQ(AllowEntry::parse("user:33").conditions()[0].uid, 33u);
    EXPECT_EQ(AllowEntry::parse("user:0").conditions()[0].uid, 0u);
    EXPECT_FALSE(AllowEntry::parse("user:www-data").conditions()[0].uid.has_value());
    EXPECT_NE(AllowEntry::parse("cmdline:x").conditions()[0].regex, nullptr);
}

TEST(AllowEntryParse, InvalidEntries) {
    const std::string cases[] = {
        "",                  // empty
        "+",                 // two empty conditions
        "nginx+",            // empty condition after '+'
        "nginx 81=nginx",    // two rules in one -p argument
        "my app",            // a blank in a program name
        "a=b",               // '=' in a program name
        "+nginx",            // empty condition before '+'
        "nginx++user:root",  // empty condition between
        "exe:",              // empty values
        "name:",
        "user:",
        "unit:",
        "cmdline:",
        "exe:usr/sbin/nginx",  // relative executable paths
        "exe:./nginx",
        "exe:nginx",
        "foo:bar",  // unknown prefixes
        "Exe:/usr/sbin/nginx",
        "uid:0",
        "nginx+foo:bar",
        "/usr/sbin/nginx",  // a path needs exe:
        "cmdline:(",        // bad regular expressions
        "cmdline:[a-",
        "cmdline:*x",
        "cmdline:a{2,1}",
        "cmdline:+nginx",      // '+' after cmdline: is the regex's: nothing to repeat
        "nginx+cmdline:",      // an empty regex, even last
        "cmdline:(?=x)",       // ECMAScript that RE2 does not have: lookahead,
        "cmdline:(a)\\1",      // back-references,
        "cmdline:a{1001}",     // repetitions beyond RE2's 1000
        "cmdline:\\pL{1000}",  // compiles beyond the memory budget
        "cmdline:\xff",        // a pattern must be UTF-8
    };
    for (const auto& text : cases) {
        SCOPED_TRACE("'" + text + "'");
        try {
            AllowEntry::parse(text);
            ADD_FAILURE() << "accepted";
        } catch (const InputError& error) {
            EXPECT_NE(std::string(error.what()).find("allow entry"), std::string::npos)
                << error.what();
            if (!text.empty()) {
                EXPECT_NE(std::string(error.what()).find("'" + text + "'"), std::string::npos)
                    << error.what();
            }
        }
    }
}

// ---- Matching.

ProcessIdentity spoofed() {
    // Any process can call itself nginx (prctl PR_SET_NAME); its executable says otherwise.
    auto identity = process("nginx", "/tmp/evil", 666, 1000, "mallory");
    identity.command_line = "nginx: master process";
    return identity;
}

ProcessIdentity unreadable_executable(std::string comm) {
    auto identity = process(std::move(comm), std::nullopt, 500, 0, "root");
    identity.unit = "nginx.service";
    return identity;
}

// A bind mount over /usr/sbin/nginx in a private mount namespace: the path reads right, the
// running file is the user's own.
ProcessIdentity in_other_mount_namespace() {
    auto identity = nginx();
    identity.executable_file = ExecutableFileCheck::different_file;
    identity.other_mount_namespace = true;
    return identity;
}

ProcessIdentity unverifiable_file() {
    auto identity = nginx();
    identity.executable_file = ExecutableFileCheck::unknown;
    return identity;
}

ProcessIdentity gunicorn(std::string command_line) {
    auto identity = process("gunicorn", "/usr/bin/python3", 400, 33, "www-data");
    identity.command_line = std::move(command_line);
    return identity;
}

ProcessIdentity www_data(std::string exe) {
    return process("php-fpm8.2", std::move(exe), 300, 33, "www-data");
}

struct MatchCase {
    std::string entry;
    ProcessIdentity holder;
    MatchKind expected;
    std::string why;
};

TEST(AllowEntryMatch, Table) {
    const auto proxy = process("nginx-proxy", "/usr/sbin/nginx-proxy");
    auto renamed = nginx();
    renamed.comm = "evil";
    const MatchCase cases[] = {
        {"nginx", nginx(), MatchKind::matched, "executable basename"},
        {"nginx", proxy, MatchKind::no_match, "nginx is not a prefix match"},
        {"nginx", process("my-nginx", "/usr/local/bin/my-nginx"), MatchKind::no_match,
         "nor a suffix match"},
        {"nginx-proxy", nginx(), MatchKind::no_match, "longer name"},
        {"ngin", nginx(), MatchKind::no_match, "shorter name"},
        {"sbin", nginx(), MatchKind::no_match, "a directory is not the basename"},
        {"nginx", spoofed(), MatchKind::no_match, "comm nginx, exe /tmp/evil"},
        {"name:nginx", spoofed(), MatchKind::matched, "name: is the comm, spoofable"},
        {"nginx", renamed, MatchKind::matched, "the executable wins over a renamed comm"},
        {"name:nginx", renamed, MatchKind::no_match, "name: compares the comm only"},
        {"nginx", unreadable_executable("nginx"), MatchKind::undecidable,
         "no comm fallback when the executable is unreadable"},
        {"nginx", unreadable_executable("evil"), MatchKind::undecidable,
         "comm is not consulted at all"},
        {"name:nginx", unreadable_executable("nginx"), MatchKind::matched,
         "name: is never a fallback"},
        {"exe:/usr/sbin/nginx", nginx(), MatchKind::matched, "exact path"},
        {"exe:/usr/sbin/nginx", proxy, MatchKind::no_match, "path is not a prefix"},
        {"exe:/usr/sbin/ngin", nginx(), MatchKind::no_match, "shorter path"},
        {"exe:/usr/sbin/*", nginx(), MatchKind::matched, "glob *"},
        {"exe:/usr/sbin/ngin?", nginx(), MatchKind::matched, "glob ?"},
        {"exe:/usr/sbin/[a-n]ginx", nginx(), MatchKind::matched, "glob class"},
        {"exe:/usr/bin/*", nginx(), MatchKind::no_match, "glob, other directory"},
        {"exe:/usr/sbin/nginx", unreadable_executable("nginx"), MatchKind::undecidable,
         "exe: never falls back to comm"},
        {"exe:/usr/sbin/nginx", in_other_mount_namespace(), MatchKind::no_match,
         "the path is right, the file that runs is another"},
        {"exe:/usr/sbin/*", in_other_mount_namespace(), MatchKind::no_match,
         "a glob is checked against the file that runs too"},
        {"nginx", in_other_mount_namespace(), MatchKind::matched,
         "NAME is the basename, whatever file it is"},
        {"exe:/usr/sbin/nginx", unverifiable_file(), MatchKind::undecidable,
         "the path matches but the file could not be checked"},
        {"exe:/usr/bin/*", unverifiable_file(), MatchKind::no_match,
         "the path does not match: no need to check the file"},
        {"exe:/tmp/evil", spoofed(), MatchKind::matched, "exe: of the impostor"},
        {"user:root", nginx(), MatchKind::matched, "user by name"},
        {"user:0", nginx(), MatchKind::matched, "user by uid"},
        {"user:www-data", www_data("/usr/sbin/php-fpm8.2"), MatchKind::matched, "name"},
        {"user:33", www_data("/usr/sbin/php-fpm8.2"), MatchKind::matched, "uid"},
        {"user:root", www_data("/usr/sbin/php-fpm8.2"), MatchKind::no_match, "other user"},
        {"user:0", www_data("/usr/sbin/php-fpm8.2"), MatchKind::no_match, "other uid"},
        {"user:3", www_data("/usr/sbin/php-fpm8.2"), MatchKind::no_match, "uid is not a prefix"},
        {"user:www", www_data("/usr/sbin/php-fpm8.2"), MatchKind::no_match, "name not a prefix"},
        {"unit:nginx.service", nginx(), MatchKind::matched, "unit"},
        {"unit:nginx", nginx(), MatchKind::no_match, "unit needs the full name"},
        {"unit:apache2.service", nginx(), MatchKind::no_match, "other unit"},
        {"unit:nginx.service", process("nginx", "/usr/sbin/nginx"), MatchKind::no_match, "no unit"},
        {"cmdline:master process", nginx(), MatchKind::matched, "regex searches"},
        {"cmdline:^nginx: master", nginx(), MatchKind::matched, "anchored regex"},
        {"cmdline:^master", nginx(), MatchKind::no_match, "anchor respected"},
        {"cmdline:worker", nginx(), MatchKind::no_match, "regex not found"},
        {"cmdline:daemon (on|off);", nginx(), MatchKind::matched, "alternation"},
        {"cmdline:gunicorn.+myapp", gunicorn("gunicorn: master [myapp]"), MatchKind::matched,
         "'+' belongs to the regex"},
        {"cmdline:gunicorn.+myapp", gunicorn("gunicorn: master [other]"), MatchKind::no_match,
         "not read as regex 'gunicorn.' and program myapp"},
        {"exe:/usr/bin/python3+cmdline:gunicorn.+myapp", gunicorn("gunicorn: master [myapp]"),
         MatchKind::matched, "path and regex"},
        {"exe:/usr/sbin/nginx+cmdline:gunicorn.+myapp", gunicorn("gunicorn: master [myapp]"),
         MatchKind::no_match, "path fails"},
        {"cmdline:^gunicorn: (master|worker) \\[a{1,3}\\]$", gunicorn("gunicorn: worker [aa]"),
         MatchKind::matched, "a regex with commas, braces, brackets"},
        {"cmdline:--id=\\x23[0-9]", gunicorn("app --id=#7"), MatchKind::matched,
         "\\x23 is '#', as the allow-list file needs"},
        {"cmdline:^app \\C x$", gunicorn("app \xff x"), MatchKind::matched,
         "\\C matches a byte that is not UTF-8"},
        {"cmdline:^app . x$", gunicorn("app \xff x"), MatchKind::no_match,
         "'.' matches characters, and no invalid byte"},
        {"cmdline:^app . x$", gunicorn("app \xc3\xa9 x"), MatchKind::matched,
         "'.' matches one UTF-8 character"},
        {"cmdline:master", gunicorn("gunicorn: master\n[myapp]"), MatchKind::matched,
         "search, not full match"},
        {"cmdline:master.\\[", gunicorn("gunicorn: master\n[myapp]"), MatchKind::no_match,
         "'.' does not match a newline"},
        {"exe:/usr/sbin/nginx+user:root", nginx(), MatchKind::matched, "conjunction holds"},
        {"exe:/usr/sbin/nginx+user:www-data", nginx(), MatchKind::no_match, "one part fails"},
        {"user:www-data+exe:/usr/sbin/nginx", nginx(), MatchKind::no_match, "order irrelevant"},
        {"nginx+unit:nginx.service", nginx(), MatchKind::matched, "name and unit"},
        {"nginx+unit:nginx.service", unreadable_executable("nginx"), MatchKind::undecidable,
         "the rest holds, the name cannot be decided"},
        {"nginx+user:33", unreadable_executable("nginx"), MatchKind::no_match,
         "a failing user decides, whatever the name"},
        {"name:nginx+user:root", spoofed(), MatchKind::no_match, "impostor runs as mallory"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.entry + " vs pid " + std::to_string(c.holder.pid) + " (" + c.why + ")");
        EXPECT_EQ(AllowEntry::parse(c.entry).match(c.holder), c.expected);
    }
}

TEST(AllowEntry, IsUserOnly) {
    EXPECT_TRUE(AllowEntry::parse("user:root").is_user_only());
    EXPECT_TRUE(AllowEntry::parse("user:0").is_user_only());
    EXPECT_TRUE(AllowEntry::parse("user:0+user:root").is_user_only());
    EXPECT_FALSE(AllowEntry::parse("user:root+nginx").is_user_only());
    EXPECT_FALSE(AllowEntry::parse("nginx").is_user_only());
    EXPECT_FALSE(AllowEntry::parse("exe:/usr/sbin/nginx").is_user_only());
    EXPECT_FALSE(AllowEntry::parse("name:user").is_user_only());
    EXPECT_FALSE(AllowEntry::parse("unit:user.service").is_user_only());
}

TEST(AllowEntry, MatchesSocketOwner) {
    const auto socket =
        test_support::listener(Transport::udp, "0.0.0.0", 53, false, 7, 33, "www-data");
    const std::pair<std::string, bool> cases[] = {
        {"user:www-data", true},
        {"user:33", true},
        {"user:33+user:www-data", true},
        {"user:root", false},
        {"user:0", false},
        {"user:33+user:root", false},
        // Entries that ask for more than the user cannot be decided from the socket owner.
        {"user:33+nginx", false},
        {"nginx", false},
        {"name:www-data", false},
    };
    for (const auto& [text, expected] : cases) {
        SCOPED_TRACE(text);
        EXPECT_EQ(AllowEntry::parse(text).matches_socket_owner(socket), expected);
    }
}

}  // namespace
}  // namespace port_owner

namespace port_owner {
namespace {

TEST(AllowEntry, OverlongCommandLinePatternIsRejectedBeforeCompiling) {
    const std::string nested = std::string(20000, '(') + "a" + std::string(20000, ')');
    EXPECT_THROW(AllowEntry::parse("cmdline:" + nested), InputError);
    EXPECT_NO_THROW(AllowEntry::parse("cmdline:" + std::string(1024, 'a')));
    try {
        AllowEntry::parse("user:0+cmdline:" + std::string(1025, 'a'));
        ADD_FAILURE() << "accepted";
    } catch (const InputError& error) {
        // The start of the entry, to find it by; not all of it.
        const std::string message = error.what();
        EXPECT_NE(message.find("'user:0+cmdline:aaa"), std::string::npos) << message;
        EXPECT_LT(message.size(), 200u) << message;
    }
    // The deepest nesting that fits compiles, or is refused, without exhausting the stack (which
    // std::regex did, recursing at compile and match time).
    const std::string deep = std::string(511, '(') + "a" + std::string(511, ')');
    try {
        EXPECT_EQ(AllowEntry::parse("cmdline:" + deep).match(gunicorn("xa")), MatchKind::matched);
    } catch (const InputError&) {
    }
}

TEST(AllowEntry, PatternTooLargeOnceCompiledIsAnInputErrorNamingTheEntry) {
    try {
        AllowEntry::parse("user:0+cmdline:\\pL{1000}");
        ADD_FAILURE() << "accepted";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("'user:0+cmdline:\\pL{1000}'"), std::string::npos) << message;
        EXPECT_NE(message.find("too large"), std::string::npos) << message;
    }
}

TEST(AllowEntry, InvalidRegexMessageSaysWhatRe2Found) {
    try {
        AllowEntry::parse("cmdline:(?=x)");
        ADD_FAILURE() << "accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("not a valid RE2 regular expression"),
                  std::string::npos)
            << error.what();
    }
}

TEST(AllowEntry, CommandLineMatchingDoesNotBacktrack) {
    // Each of these makes a backtracking matcher (std::regex) take exponential time or recurse
    // once per character; the fuzzers found one that ran for over 20 minutes. RE2 answers at
    // once; a backtracking matcher would never finish here (ctest's timeout would fail the test),
    // so no clock is read.
    const std::string patterns[] = {"(a*)*b", "(a|aa)*b", "(aa*a*)*y", "^(a|a?)*c", "(.*a){12}b"};
    const auto long_line = gunicorn(std::string(8192, 'a'));
    for (const auto& pattern : patterns) {
        SCOPED_TRACE(pattern);
        EXPECT_EQ(AllowEntry::parse("cmdline:" + pattern).match(long_line), MatchKind::no_match);
    }
    // What only a backtracking engine offers is refused: back-references.
    EXPECT_THROW(AllowEntry::parse("cmdline:(a+)\\1"), InputError);
}

}  // namespace
}  // namespace port_owner
