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
using test_support::on_linux;
using test_support::on_windows;
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
        // Windows forms parse on every platform, so one allow-list serves every host.
        {"service:W3SVC", {{Kind::service, "W3SVC"}}},
        {"service:MSSQL$SQLEXPRESS", {{Kind::service, "MSSQL$SQLEXPRESS"}}},
        {"exe:C:\\Windows\\System32\\inetsrv\\inetinfo.exe",
         {{Kind::executable_path, "C:\\Windows\\System32\\inetsrv\\inetinfo.exe"}}},
        {"exe:c:/Program Files/*/srv.exe", {{Kind::executable_path, "c:/Program Files/*/srv.exe"}}},
        {"exe:\\\\server\\share\\srv.exe", {{Kind::executable_path, "\\\\server\\share\\srv.exe"}}},
        {"user:NT AUTHORITY\\NETWORK SERVICE", {{Kind::user, "NT AUTHORITY\\NETWORK SERVICE"}}},
        {"user:S-1-5-20", {{Kind::user, "S-1-5-20"}}},
        {"inetinfo+service:IISADMIN",
         {{Kind::executable_name, "inetinfo"}, {Kind::service, "IISADMIN"}}},
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
        "Service:W3SVC",
        "uid:0",
        "nginx+foo:bar",
        "/usr/sbin/nginx",  // a path needs exe:
        "service:",         // service: takes a short name, never a path
        "service:a/b",
        "service:C:\\svc",
        "exe:C:",  // not an absolute Windows path
        "exe:C:srv.exe",
        "exe:\\srv.exe",
        "exe:1:\\srv.exe",
        "cmdline:(",  // bad regular expressions
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
        EXPECT_EQ(AllowEntry::parse(c.entry).match(c.holder, on_linux), c.expected);
    }
}

TEST(AllowEntryMatch, LinuxNamesAreCaseSensitive) {
    // What Windows conventions allow must not leak into Linux: the Linux table, unchanged.
    const MatchCase cases[] = {
        {"Nginx", nginx(), MatchKind::no_match, "NAME is case-sensitive"},
        {"nginx.exe", nginx(), MatchKind::no_match, "no optional suffix"},
        {"exe:/usr/sbin/NGINX", nginx(), MatchKind::no_match, "exe: is case-sensitive"},
        {"exe:/usr/sbin\\nginx", nginx(), MatchKind::no_match, "'\\' separates nothing"},
        {"user:ROOT", nginx(), MatchKind::no_match, "user names are case-sensitive"},
        {"user:S-1-5-18", nginx(), MatchKind::no_match, "a SID names no Linux account"},
        {"service:nginx", nginx(), MatchKind::no_match, "a Linux process hosts no service"},
        {"exe:C:\\Windows\\*", nginx(), MatchKind::no_match, "a Windows path"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.entry + " (" + c.why + ")");
        EXPECT_EQ(AllowEntry::parse(c.entry).match(c.holder, on_linux), c.expected);
    }
}

// The seed scenario's processes, as the Windows inventory reports them.
const std::string inetinfo_path = "C:\\Windows\\System32\\inetsrv\\inetinfo.exe";

ProcessIdentity inetinfo() {
    return test_support::windows_process(inetinfo_path, 1840, "NT AUTHORITY\\SYSTEM", "S-1-5-18",
                                         {"IISADMIN"});
}

ProcessIdentity rogue() {
    return test_support::windows_process("C:\\Users\\mallory\\Downloads\\rogue.exe", 6660,
                                         "CONTOSO\\mallory", "S-1-5-21-1004336348-1177238915-1001");
}

// An IIS worker: svchost.exe hosting W3SVC and WAS as NETWORK SERVICE.
ProcessIdentity iis_svchost() {
    return test_support::windows_process("C:\\Windows\\system32\\svchost.exe", 2210,
                                         "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20",
                                         {"W3SVC", "WAS"});
}

ProcessIdentity windows_unreadable_image() {
    auto identity = inetinfo();
    identity.executable.reset();
    identity.executable_file = ExecutableFileCheck::unknown;
    identity.executable_problem = "access denied";
    return identity;
}

TEST(AllowEntryMatch, WindowsTable) {
    const MatchCase cases[] = {
        // NAME: the image file name, any case, '.exe' optional.
        {"inetinfo", inetinfo(), MatchKind::matched, "without .exe"},
        {"inetinfo.exe", inetinfo(), MatchKind::matched, "with .exe"},
        {"INETINFO.EXE", inetinfo(), MatchKind::matched, "any case"},
        {"InetInfo", inetinfo(), MatchKind::matched, "any case, no suffix"},
        {"inetinfo", rogue(), MatchKind::no_match, "rogue.exe is not inetinfo"},
        {"rogue", rogue(), MatchKind::matched, "the rogue by its own name"},
        {"inetinfo.com", inetinfo(), MatchKind::no_match, "another suffix"},
        {"inetinf", inetinfo(), MatchKind::no_match, "no prefix match"},
        {"inetsrv", inetinfo(), MatchKind::no_match, "a directory is not the image name"},
        {"inetinfo", windows_unreadable_image(), MatchKind::undecidable,
         "an unreadable image is never guessed from comm"},
        // exe: any case, '\' and '/' alike, globs.
        {"exe:" + inetinfo_path, inetinfo(), MatchKind::matched, "exact path"},
        {"exe:c:\\windows\\system32\\inetsrv\\inetinfo.exe", inetinfo(), MatchKind::matched,
         "lower case"},
        {"exe:C:/Windows/System32/inetsrv/inetinfo.exe", inetinfo(), MatchKind::matched,
         "'/' for '\\'"},
        {"exe:c:/windows\\SYSTEM32/inetsrv\\inetinfo.exe", inetinfo(), MatchKind::matched, "mixed"},
        {"exe:C:\\Windows\\System32\\inetsrv\\*", inetinfo(), MatchKind::matched,
         "glob after backslashes"},
        {"exe:C:\\Windows\\*\\inetinfo.exe", inetinfo(), MatchKind::matched,
         "'*' crosses separators, as on Linux"},
        {"exe:C:\\Windows\\System32\\inetsrv\\*", rogue(), MatchKind::no_match,
         "glob, other directory"},
        {"exe:C:\\Windows\\System32\\inetsrv\\inetinfo", inetinfo(), MatchKind::no_match,
         "exe: names the file: no optional suffix"},
        {"exe:D:\\Windows\\System32\\inetsrv\\inetinfo.exe", inetinfo(), MatchKind::no_match,
         "other drive"},
        {"exe:/usr/sbin/inetinfo.exe", inetinfo(), MatchKind::no_match, "a Linux path"},
        {"exe:" + inetinfo_path, windows_unreadable_image(), MatchKind::undecidable,
         "unreadable image"},
        // user: DOMAIN\name, name, SID.
        {"user:NT AUTHORITY\\SYSTEM", inetinfo(), MatchKind::matched, "DOMAIN\\name"},
        {"user:nt authority\\system", inetinfo(), MatchKind::matched, "any case"},
        {"user:SYSTEM", inetinfo(), MatchKind::matched, "the name part"},
        {"user:system", inetinfo(), MatchKind::matched, "the name part, any case"},
        {"user:S-1-5-18", inetinfo(), MatchKind::matched, "SID"},
        {"user:s-1-5-18", inetinfo(), MatchKind::matched, "SID, any case"},
        {"user:S-1-5-18", rogue(), MatchKind::no_match, "other SID"},
        {"user:S-1-5-1", inetinfo(), MatchKind::no_match, "a SID is not a prefix"},
        {"user:mallory", rogue(), MatchKind::matched, "name in a domain"},
        {"user:CONTOSO\\mallory", rogue(), MatchKind::matched, "same domain"},
        {"user:FABRIKAM\\mallory", rogue(), MatchKind::no_match, "same name, other domain"},
        {"user:AUTHORITY\\SYSTEM", inetinfo(), MatchKind::no_match, "the domain is whole"},
        {"user:NT AUTHORITY", inetinfo(), MatchKind::no_match, "the domain is not the name"},
        {"user:CONTOSO", rogue(), MatchKind::no_match, "the domain alone is no account"},
        {"user:0", inetinfo(), MatchKind::no_match, "no uid on Windows, even 0"},
        {"user:S-1-5-21-1004336348-1177238915-1001", rogue(), MatchKind::matched, "domain SID"},
        {"user:SYSTEM", rogue(), MatchKind::no_match, "other user"},
        // service: the short name of a hosted service, any case.
        {"service:W3SVC", iis_svchost(), MatchKind::matched, "hosted service"},
        {"service:was", iis_svchost(), MatchKind::matched, "any case"},
        {"service:W3SV", iis_svchost(), MatchKind::no_match, "no prefix match"},
        {"service:IISADMIN", iis_svchost(), MatchKind::no_match, "not hosted here"},
        {"service:W3SVC", rogue(), MatchKind::no_match, "the rogue hosts no service"},
        {"service:IISADMIN", windows_unreadable_image(), MatchKind::matched,
         "the service control manager names it, image or not"},
        {"svchost", iis_svchost(), MatchKind::matched, "every svchost (why --learn avoids it)"},
        {"svchost+service:W3SVC", iis_svchost(), MatchKind::matched, "conjunction"},
        {"service:W3SVC+service:WAS", iis_svchost(), MatchKind::matched, "both hosted"},
        {"service:W3SVC+user:SYSTEM", iis_svchost(), MatchKind::no_match,
         "runs as NETWORK SERVICE"},
        // The other conditions behave as on Linux.
        {"name:rogue.exe", rogue(), MatchKind::matched, "name: is comm"},
        {"cmdline:rogue", rogue(), MatchKind::matched, "cmdline: searches"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.entry + " vs pid " + std::to_string(c.holder.pid) + " (" + c.why + ")");
        EXPECT_EQ(AllowEntry::parse(c.entry).match(c.holder, on_windows), c.expected);
    }
}

TEST(AllowEntry, WindowsSocketOwnerHasNoUid) {
    // A Windows inventory knows no socket owner uid; a user-only entry can then be decided only by
    // an account name it reports, never by a number.
    const auto socket =
        test_support::listener(Transport::tcp, "0.0.0.0", 80, false, 7, 0, "NT AUTHORITY\\SYSTEM");
    EXPECT_TRUE(AllowEntry::parse("user:SYSTEM").matches_socket_owner(socket, on_windows));
    EXPECT_FALSE(AllowEntry::parse("user:0").matches_socket_owner(socket, on_windows));
    EXPECT_TRUE(AllowEntry::parse("user:0").matches_socket_owner(socket, on_linux));
    EXPECT_FALSE(AllowEntry::parse("user:S-1-5-18").matches_socket_owner(socket, on_windows));
}

TEST(AllowEntry, WhyNeverMatches) {
    EXPECT_FALSE(AllowEntry::parse("nginx").why_never_matches(on_linux));
    EXPECT_FALSE(AllowEntry::parse("user:33").why_never_matches(on_linux));
    EXPECT_FALSE(AllowEntry::parse("service:W3SVC").why_never_matches(on_windows));
    EXPECT_FALSE(AllowEntry::parse("user:SYSTEM").why_never_matches(on_windows));
    const auto service = AllowEntry::parse("svchost+service:W3SVC").why_never_matches(on_linux);
    ASSERT_TRUE(service);
    EXPECT_NE(service->find("service:W3SVC"), std::string::npos) << *service;
    const auto uid = AllowEntry::parse("user:33").why_never_matches(on_windows);
    ASSERT_TRUE(uid);
    EXPECT_NE(uid->find("user:33"), std::string::npos) << *uid;
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
        EXPECT_EQ(AllowEntry::parse(text).matches_socket_owner(socket, on_linux), expected);
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
        EXPECT_EQ(AllowEntry::parse("cmdline:" + deep).match(gunicorn("xa"), on_linux),
                  MatchKind::matched);
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
        EXPECT_EQ(AllowEntry::parse("cmdline:" + pattern).match(long_line, on_linux),
                  MatchKind::no_match);
    }
    // What only a backtracking engine offers is refused: back-references.
    EXPECT_THROW(AllowEntry::parse("cmdline:(a+)\\1"), InputError);
}

}  // namespace
}  // namespace port_owner
