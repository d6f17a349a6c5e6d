// SPDX-License-Identifier: GPL-3.0-or-later
// --learn: the allow-list written for the listeners present, read back, judges them OK.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/allow_entry.hpp"
#include "core/allow_list_file.hpp"
#include "core/learned_allow_list.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using namespace test_support;

EphemeralPorts linux_ephemeral(std::vector<PortRange> reserved = {}) {
    EphemeralPorts ports;
    ports.range = {32768, 60999};
    ports.reserved = std::move(reserved);
    ports.reserve_setting = "net.ipv4.ip_local_reserved_ports";
    return ports;
}

const EphemeralPorts ephemeral = linux_ephemeral();

// As the Windows inventory reports it: excluded port ranges are not read.
EphemeralPorts windows_ephemeral_ports() {
    EphemeralPorts ports;
    ports.range = {49152, 65535};
    ports.reserved_known = false;
    return ports;
}

TEST(ExecutablePattern, Table) {
    const std::pair<std::string, std::string> cases[] = {
        {"/usr/sbin/nginx", "/usr/sbin/nginx"},
        {"/opt/my app/bin/server", "/opt/my app/bin/server"},
        {"/opt/x#y", "/opt/x?y"},
        {"/opt/x+y", "/opt/x?y"},
        {"/opt/x*y", "/opt/x\\*y"},
        {"/opt/x?y", "/opt/x\\?y"},
        {"/opt/[x]", "/opt/\\[x]"},
        {"/opt/back\\slash", "/opt/back\\\\slash"},
        {"/opt/x\n", "/opt/x?"},
        {"/opt/x\ty", "/opt/x?y"},
        {"/opt/trailing ", "/opt/trailing?"},
        {"/opt/a=b;c", "/opt/a=b;c"},
    };
    for (const auto& [path, expected] : cases) {
        SCOPED_TRACE(path);
        EXPECT_EQ(executable_pattern(path, on_linux), expected);
    }
}

const std::vector<std::string> awkward_paths{
    "/usr/sbin/nginx",
    "/opt/my app/bin/server",
    "/opt/vendor/bin/daemon#2",
    "/opt/c++/bin/srv+x",
    "/opt/glob/*star*/x?[a]",
    "/opt/back\\slash\\",
    "/opt/ends with space ",
    "/opt/new\nline",
    "/opt/equals=and;semicolon",
    "/opt/caf\xc3\xa9/\xff\xfe",
    "/opt/ # looks like a comment",
    "/opt/srv+cmdline:.*",
    "/opt/a,b",
};

TEST(ExecutablePattern, AllowEntryMatchesThePathItCameFrom) {
    for (const auto& path : awkward_paths) {
        SCOPED_TRACE(path);
        const auto entry = AllowEntry::parse("exe:" + executable_pattern(path, on_linux));
        // One exe: condition: no '+' of the path starts another (`+cmdline:.*` would allow all).
        ASSERT_EQ(entry.conditions().size(), 1u);
        EXPECT_EQ(entry.match(process("x", path), on_linux), MatchKind::matched);
        EXPECT_EQ(entry.match(process("x", path + "x"), on_linux), MatchKind::no_match);
    }
}

std::vector<ObservedListener> present_listeners() {
    std::vector<ObservedListener> listeners;
    std::uint16_t port = 1000;
    int pid = 2000;
    for (const auto& path : awkward_paths) {
        listeners.push_back(
            observed(tcp("0.0.0.0", port++), {process("whatever", path, pid++, 0, "root")}));
    }
    // The same program on IPv4 and IPv6, a prefork server with two holders.
    listeners.push_back(observed(tcp("0.0.0.0", 80), {nginx(10), nginx(11)}));
    listeners.push_back(observed(tcp("::", 80, true), {nginx(10), nginx(11)}));
    // UDP, an unidentified listener, an unreadable executable, and an ephemeral port.
    listeners.push_back(observed(
        udp("127.0.0.53", 53), {process("systemd-resolve", "/usr/lib/systemd/systemd-resolved", 312,
                                        991, "systemd-resolve")}));
    auto hidden = listener(Transport::tcp, "127.0.0.1", 5432, false, 77, 112, "postgres");
    listeners.push_back(observed(hidden, {}, true, "no process holds the socket"));
    listeners.push_back(
        observed(tcp("0.0.0.0", 6000), {process("Xorg", std::nullopt, 900, 1000, "alice")}));
    listeners.push_back(observed(udp("0.0.0.0", 41234), {process("chrome", "/opt/google/chrome")}));
    return listeners;
}

TEST(LearnedAllowList, ReadBackGivesOkForTheSameListeners) {
    const auto listeners = present_listeners();
    const auto text = format_learned_allow_list(listeners, ephemeral, on_linux);
    SCOPED_TRACE(text);
    const auto file = parse_allow_list(text, "learned.ini");
    // One rule per protocol and port.
    EXPECT_EQ(file.rules.size(), awkward_paths.size() + 5);
    StateDefaults defaults;
    defaults.missing = file.defaults.missing.value_or(defaults.missing);
    defaults.unexpected = file.defaults.unexpected.value_or(defaults.unexpected);
    defaults.unattributed = file.defaults.unattributed.value_or(defaults.unattributed);
    const auto verdict = evaluate(file.rules, listeners, defaults, on_linux);
    EXPECT_EQ(verdict.overall, State::ok);
    for (const auto& finding : verdict.findings) {
        EXPECT_EQ(finding.outcome, Outcome::ok)
            << finding.rule->label() << " " << outcome_name(finding.outcome);
        EXPECT_FALSE(finding.listeners.empty()) << finding.rule->label();
    }
    EXPECT_TRUE(verdict.unlisted.empty());
}

TEST(LearnedAllowList, ReadBackStillCatchesAnImpostor) {
    const auto listeners = present_listeners();
    const auto file =
        parse_allow_list(format_learned_allow_list(listeners, ephemeral, on_linux), "l.ini");
    auto changed = listeners;
    for (auto& listener : changed) {
        for (auto& holder : listener.holders) {
            if (holder.executable) {
                *holder.executable = "/tmp/impostor";
            }
        }
    }
    const auto verdict = evaluate(file.rules, changed, {}, on_linux);
    EXPECT_EQ(verdict.overall, State::critical);
    EXPECT_EQ(verdict.count(Outcome::unexpected), awkward_paths.size() + 3);
}

// A container's entry: its name when root's engine named it; with a user: condition when its
// user made it (a cgroup of theirs, or rootless Podman's state naming it), by name where that
// state names it, else by id. Read back, each is OK, and the same container of another user is not.
TEST(LearnedAllowList, ContainersByNameAndWhoMadeThem) {
    const auto in_container = [](std::string name, bool made_by_root, std::uint32_t uid,
                                 std::string user) {
        auto holder = process("nginx", "/usr/sbin/nginx", 4242, uid, std::move(user));
        ContainerIdentity container;
        container.engine = "podman";
        container.id = std::string(64, 'a');
        container.name = std::move(name);
        container.made_by_root = made_by_root;
        holder.container = container;
        return holder;
    };
    const std::vector<ObservedListener> listeners{
        observed(tcp("0.0.0.0", 8080), {in_container("web", true, 0, "root")}),
        observed(tcp("0.0.0.0", 8081), {in_container("web", false, 1000, "alice")}),
        observed(tcp("0.0.0.0", 8082), {in_container("", false, 1000, "alice")}),
    };
    const auto text = format_learned_allow_list(listeners, ephemeral, on_linux);
    EXPECT_NE(text.find("[tcp/8080]\n# 0.0.0.0 nginx user root\nallow = container:web\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("allow = container:web+user:1000\n"), std::string::npos) << text;
    EXPECT_NE(text.find("allow = container:aaaaaaaaaaaa+user:1000\n"), std::string::npos) << text;
    const auto file = parse_allow_list(text, "learned.ini");
    EXPECT_EQ(evaluate(file.rules, listeners, {}, on_linux).overall, State::ok);
    auto other_user = listeners;
    for (auto& listener : other_user) {
        listener.holders.front().uid = 1001;
        listener.holders.front().user = "mallory";
        listener.holders.front().container->made_by_root = false;
    }
    const auto verdict = evaluate(file.rules, other_user, {}, on_linux);
    EXPECT_EQ(verdict.count(Outcome::unexpected), 3u);
    // A name no engine accepts (its sources refuse it; this is the last line of defence) is not
    // written: it could carry lines of its own into the file.
    auto forged = listeners;
    forged[0].holders.front().container->name = "web\n[tcp/22]\nallow = user:1000";
    const auto written = format_learned_allow_list(forged, ephemeral, on_linux);
    EXPECT_EQ(written.find("[tcp/22]"), std::string::npos) << written;
    EXPECT_NE(written.find("allow = container:aaaaaaaaaaaa\n"), std::string::npos) << written;
}

TEST(LearnedAllowList, SectionsPerProtocolAndPort) {
    const auto file = parse_allow_list(
        format_learned_allow_list(present_listeners(), ephemeral, on_linux), "l.ini");
    std::vector<std::string> labels;
    for (const auto& rule : file.rules) {
        labels.push_back(rule.label());
    }
    // TCP first, then UDP, each by port.
    const std::vector<std::string> tail{"tcp/5432", "tcp/6000", "udp/53", "udp/41234"};
    ASSERT_GE(labels.size(), tail.size() + 1);
    EXPECT_EQ(labels.front(), "tcp/80");
    EXPECT_EQ(std::vector<std::string>(labels.end() - 4, labels.end()), tail);
}

TEST(LearnedAllowList, EphemeralPortsAreNotRequired) {
    const auto file = parse_allow_list(
        format_learned_allow_list(present_listeners(), ephemeral, on_linux), "l.ini");
    for (const auto& rule : file.rules) {
        SCOPED_TRACE(rule.label());
        EXPECT_EQ(rule.required, !ephemeral.range.contains(rule.spec.ports.low));
    }
}

// A service's port that the kernel hands out can be taken by an outgoing connection while the
// service is down: the file says so before the `required = no`, and how to reserve the port.
TEST(LearnedAllowList, PortsTheKernelHandsOutCarryAWarning) {
    const auto text = format_learned_allow_list(present_listeners(), ephemeral, on_linux);
    EXPECT_NE(text.find("# warning: 41234 is in the ephemeral port range 32768-60999 and not "
                        "reserved: an outgoing connection can take it while its service is down, "
                        "which then cannot bind it; for a service's port, reserve it "
                        "(net.ipv4.ip_local_reserved_ports) and remove the next line\n"
                        "required = no"),
              std::string::npos)
        << text;
    // Outside the range, no warning.
    EXPECT_EQ(text.find("# warning: 80 "), std::string::npos) << text;
}

// A reserved port inside the range is no one's by chance: learned as required, without warning.
TEST(LearnedAllowList, ReservedPortInTheEphemeralRangeIsRequired) {
    const auto text =
        format_learned_allow_list(present_listeners(), linux_ephemeral({{41000, 41300}}), on_linux);
    EXPECT_EQ(text.find("# warning: 41234"), std::string::npos) << text;
    EXPECT_NE(text.find("# in the ephemeral port range 32768-60999 but reserved"),
              std::string::npos)
        << text;
    const auto file = parse_allow_list(text, "l.ini");
    for (const auto& rule : file.rules) {
        if (rule.label() == "udp/41234") {
            EXPECT_TRUE(rule.required);
        }
    }
}

// Where the reserved ports cannot be read, the warning does not claim the port is not reserved.
TEST(LearnedAllowList, UnknownReservationsAreNotClaimed) {
    auto unknown = linux_ephemeral();
    unknown.reserved_known = false;
    const auto text = format_learned_allow_list(present_listeners(), unknown, on_linux);
    EXPECT_NE(text.find("# warning: 41234 is in the ephemeral port range 32768-60999: "),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("not reserved"), std::string::npos) << text;
}

TEST(LearnedAllowList, UnidentifiedListenersAreAllowedByTheirSocketOwner) {
    const auto file = parse_allow_list(
        format_learned_allow_list(present_listeners(), ephemeral, on_linux), "l.ini");
    for (const auto& rule : file.rules) {
        if (rule.label() == "tcp/5432") {
            ASSERT_EQ(rule.allow.size(), 1u);
            EXPECT_EQ(rule.allow[0].text(), "user:112");
        }
        if (rule.label() == "tcp/6000") {
            ASSERT_EQ(rule.allow.size(), 1u);
            EXPECT_EQ(rule.allow[0].text(), "user:1000");
        }
        if (rule.label() == "tcp/80") {
            ASSERT_EQ(rule.allow.size(), 1u) << "prefork holders share one entry";
            EXPECT_EQ(rule.allow[0].text(), "exe:/usr/sbin/nginx");
        }
    }
}

// Nothing identifies the holder (Windows reports no socket owner): a section without allow lines
// would allow any program, so the port is left out, with a comment saying why.
TEST(LearnedAllowList, NobodyIdentifiedIsNotLearnedAsAnyProgram) {
    auto socket = tcp("0.0.0.0", 8443);
    socket.socket_owner_known = false;
    const auto text = format_learned_allow_list({observed(socket, {}, false, "access denied")},
                                                ephemeral, on_windows);
    EXPECT_NE(text.find("# tcp/8443: not learned"), std::string::npos) << text;
    const auto file = parse_allow_list(text, "l.ini");
    EXPECT_TRUE(file.rules.empty());
}

TEST(LearnedAllowList, NoListenersStillParses) {
    const auto file = parse_allow_list(format_learned_allow_list({}, ephemeral, on_linux), "l.ini");
    EXPECT_TRUE(file.rules.empty());
    EXPECT_EQ(file.defaults.missing, State::critical);
}

}  // namespace
}  // namespace port_owner

namespace port_owner {
namespace {

using namespace test_support;

TEST(ExecutablePattern, WindowsTable) {
    // '\' is a separator there, never an escape: glob characters go into one-byte sets.
    const std::pair<std::string, std::string> cases[] = {
        {"C:\\Windows\\System32\\inetsrv\\inetinfo.exe",
         "C:\\Windows\\System32\\inetsrv\\inetinfo.exe"},
        {"C:\\Program Files (x86)\\App\\srv.exe", "C:\\Program Files (x86)\\App\\srv.exe"},
        {"C:\\opt\\[x]\\srv.exe", "C:\\opt\\[[]x]\\srv.exe"},
        {"C:\\opt\\a*b?.exe", "C:\\opt\\a[*]b[?].exe"},
        {"C:\\Notepad++\\n.exe", "C:\\Notepad??\\n.exe"},
        {"C:\\x#y\\s.exe", "C:\\x?y\\s.exe"},
        {"\\\\server\\share\\s.exe", "\\\\server\\share\\s.exe"},
    };
    for (const auto& [path, expected] : cases) {
        SCOPED_TRACE(path);
        EXPECT_EQ(executable_pattern(path, on_windows), expected);
    }
}

const std::vector<std::string> windows_paths{
    "C:\\Windows\\System32\\inetsrv\\inetinfo.exe",
    "C:\\Program Files (x86)\\Vendor App\\bin\\server.exe",
    "C:\\opt\\[brackets]\\srv.exe",
    "C:\\Tools\\Notepad++\\plugin#1.exe",
    "D:\\caf\xc3\xa9\\srv.exe",
    "\\\\fileserver\\share\\tool.exe",
    "C:\\ends with space \\x.exe",
};

TEST(ExecutablePattern, WindowsEntryMatchesThePathItCameFromAndNoOther) {
    for (const auto& path : windows_paths) {
        SCOPED_TRACE(path);
        const auto entry = AllowEntry::parse("exe:" + executable_pattern(path, on_windows));
        ASSERT_EQ(entry.conditions().size(), 1u);
        EXPECT_EQ(entry.match(windows_process(path, 1), on_windows), MatchKind::matched);
        EXPECT_EQ(entry.match(windows_process(path + "x", 1), on_windows), MatchKind::no_match);
        EXPECT_EQ(entry.match(windows_process("C:\\Users\\m\\rogue.exe", 1), on_windows),
                  MatchKind::no_match);
    }
}

// A Windows host: IIS's svchost (W3SVC and WAS), a svchost running one service, a program of
// its own, the seed's rogue, and a process whose image could not be read.
std::vector<ObservedListener> windows_listeners() {
    std::vector<ObservedListener> listeners;
    listeners.push_back(
        observed(tcp("0.0.0.0", 80),
                 {windows_process("C:\\Windows\\system32\\svchost.exe", 2210,
                                  "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20", {"WAS", "W3SVC"})}));
    listeners.push_back(
        observed(tcp("0.0.0.0", 135),
                 {windows_process("C:\\Windows\\system32\\svchost.exe", 964,
                                  "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20", {"RpcSs"})}));
    listeners.push_back(observed(
        tcp("0.0.0.0", 443), {windows_process("C:\\Windows\\System32\\inetsrv\\inetinfo.exe", 1840,
                                              "NT AUTHORITY\\SYSTEM", "S-1-5-18", {"IISADMIN"})}));
    listeners.push_back(observed(tcp("0.0.0.0", 8080),
                                 {windows_process("C:\\Users\\mallory\\Downloads\\rogue.exe", 6660,
                                                  "CONTOSO\\mallory", "S-1-5-21-7-7-7-1001")}));
    auto hidden = windows_process("C:\\Windows\\System32\\lsass.exe", 700);
    hidden.executable.reset();
    hidden.executable_file = ExecutableFileCheck::unknown;
    listeners.push_back(observed(tcp("::", 49664, true), {hidden}));
    return listeners;
}

std::map<std::string, std::vector<std::string>> allow_by_label(const AllowListFile& file) {
    std::map<std::string, std::vector<std::string>> result;
    for (const auto& rule : file.rules) {
        for (const auto& entry : rule.allow) {
            result[rule.label()].push_back(entry.text());
        }
    }
    return result;
}

TEST(LearnedAllowList, WindowsHoldersAreLearnedByPathServiceOrSid) {
    const auto text =
        format_learned_allow_list(windows_listeners(), windows_ephemeral_ports(), on_windows);
    SCOPED_TRACE(text);
    const auto allow = allow_by_label(parse_allow_list(text, "learned.ini"));
    using Entries = std::vector<std::string>;
    // svchost: by the services it hosts, all of them, never by svchost.exe's shared path.
    EXPECT_EQ(allow.at("tcp/80"), (Entries{"service:W3SVC+service:WAS"}));
    EXPECT_EQ(allow.at("tcp/135"), (Entries{"service:RpcSs"}));
    // Any other program by its own path, even when it hosts a service.
    EXPECT_EQ(allow.at("tcp/443"), (Entries{"exe:C:\\Windows\\System32\\inetsrv\\inetinfo.exe"}));
    EXPECT_EQ(allow.at("tcp/8080"), (Entries{"exe:C:\\Users\\mallory\\Downloads\\rogue.exe"}));
    // An unreadable image: by the account's SID, since Windows has no uid.
    EXPECT_EQ(allow.at("tcp/49664"), (Entries{"user:S-1-5-18"}));
    // What was seen, for the admin's review: the services too (text escaped, so '\\' doubled).
    EXPECT_NE(text.find("# 0.0.0.0 svchost.exe user NT AUTHORITY\\\\NETWORK SERVICE services "
                        "WAS,W3SVC\n"),
              std::string::npos);
}

TEST(LearnedAllowList, WindowsReadBackGivesOkAndCatchesTheRogue) {
    const auto listeners = windows_listeners();
    const auto file = parse_allow_list(
        format_learned_allow_list(listeners, windows_ephemeral_ports(), on_windows), "l.ini");
    const auto verdict = evaluate(file.rules, listeners, {}, on_windows);
    EXPECT_EQ(verdict.overall, State::ok);
    for (const auto& finding : verdict.findings) {
        EXPECT_EQ(finding.outcome, Outcome::ok) << finding.rule->label();
    }
    // The rogue on IIS's port, and another svchost (hosting other services) on RpcSs's.
    auto changed = listeners;
    changed[0].holders[0] = windows_process("C:\\Users\\mallory\\Downloads\\rogue.exe", 6660,
                                            "CONTOSO\\mallory", "S-1-5-21-7-7-7-1001");
    changed[1].holders[0].services = {"Dnscache"};
    const auto caught = evaluate(file.rules, changed, {}, on_windows);
    EXPECT_EQ(caught.overall, State::critical);
    EXPECT_EQ(caught.count(Outcome::unexpected), 2u);
}

TEST(LearnedAllowList, SvchostWithoutKnownServicesIsLearnedByPath) {
    // The services could not be read: the path is all there is (and the comment shows it).
    const std::vector<ObservedListener> listeners{observed(
        tcp("0.0.0.0", 5985),
        {windows_process("C:\\Windows\\system32\\svchost.exe", 300, "NT AUTHORITY\\SYSTEM")})};
    const auto text = format_learned_allow_list(listeners, windows_ephemeral_ports(), on_windows);
    EXPECT_NE(text.find("allow = exe:C:\\Windows\\system32\\svchost.exe\n"), std::string::npos)
        << text;
}

TEST(LearnedAllowList, ServicesAreNotLearnedOnLinux) {
    // Linux conventions: a holder's services (none, in practice) never replace its path.
    auto holder = process("svchost.exe", "/opt/svchost.exe");
    holder.services = {"W3SVC"};
    const auto text =
        format_learned_allow_list({observed(tcp("0.0.0.0", 80), {holder})}, ephemeral, on_linux);
    EXPECT_NE(text.find("allow = exe:/opt/svchost.exe\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace port_owner
