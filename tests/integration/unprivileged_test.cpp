// SPDX-License-Identifier: GPL-3.0-or-later
// README, privilege: run as an unprivileged user (the nagios user; here `nobody`), the plugin sees
// every listener and its socket owner but only its own user's processes. For the others it must say
// so, name the remedy, and map the listener to --unattributed; it must never call it OK on no
// evidence.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/privileged_plugin_test.hpp"

#include <fmt/core.h>

namespace integration {
namespace {

using Unprivileged = PrivilegedPluginTest;

constexpr std::string_view kPermissionReason =
    "could not be examined (permission denied); run as root, with capabilities "
    "cap_dac_read_search,cap_sys_ptrace, or through sudo";

// A port nobody may bind (no privileged port needed), held by nobody's own process.
constexpr std::string_view kNobodysSocket = "tcp4/0.0.0.0:8080";

TEST_F(Unprivileged, RootHeldListenerIsUnknownAndNamesTheRemedy) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "tcp/80"));
    EXPECT_TRUE(first_line_contains(run, kPermissionReason));
    EXPECT_TRUE(has_perfdata(run, "rules_unattributed", "1"));
    EXPECT_TRUE(has_perfdata(run, "rules_ok", "0"));
    const auto rule_lines = long_output_lines(run.out);
    ASSERT_EQ(rule_lines.size(), 1u) << describe(run);
    EXPECT_TRUE(rule_lines[0].starts_with("UNKNOWN tcp/80")) << describe(run);
    EXPECT_NE(rule_lines[0].find(kPermissionReason), std::string::npos) << describe(run);
    // The holder was not identified, so it must not be named as if it had been.
    EXPECT_EQ(run.out.find(fmt::format("pid {}", nginx.pid())), std::string::npos) << describe(run);
}

TEST_F(Unprivileged, RootHeldListenerIsNeverOkWhateverTheAllowList) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    // Neither the right name, nor a wrong one, nor verbosity, nor every holder may be guessed.
    for (const std::vector<std::string>& arguments : {std::vector<std::string>{"-p", "80=nginx"},
                                                      {"-p", "80=apache2"},
                                                      {"-v", "-p", "80=nginx"},
                                                      {"--all-holders", "-p", "80=nginx"}}) {
        const ProgramRun run = run_as_nobody(plugin(PluginInstall::kPlain), arguments);
        EXPECT_TRUE(has_verdict(run, kUnknown));
        EXPECT_TRUE(first_line_contains(run, kPermissionReason));
    }
}

TEST_F(Unprivileged, UserRootRuleIsDecidedByTheSocketOwner) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "80=user:root"});

    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_TRUE(has_perfdata(run, "rules_ok", "1"));
}

TEST_F(Unprivileged, UserRuleOfAnotherUserIsCriticalFromTheSocketOwner) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "80=user:nobody"});

    // The kernel says root owns the socket: not nobody's, whatever the holder process is.
    EXPECT_FALSE(run.exit_code == 0) << describe(run);
    EXPECT_NE(state_word(run.out), "OK") << describe(run);
}

// Its own process is seen, but so might be a process of another user sharing the socket (passed
// over SCM_RIGHTS, inherited): without privilege that cannot be ruled out, so not OK. A culprit
// that is seen is still CRITICAL, and the socket owner can settle a `user:` entry.
TEST_F(Unprivileged, OwnProcessIsSeenButOtherHoldersCannotBeRuledOut) {
    auto own = start_holder({.executable_name = "webapp",
                             .sockets = {std::string(kNobodysSocket)},
                             .run_as = nobody_identity()});

    const ProgramRun allowed = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "8080=webapp"});
    EXPECT_TRUE(has_verdict(allowed, kUnknown));
    EXPECT_TRUE(has_perfdata(allowed, "rules_unattributed", "1"));
    EXPECT_TRUE(first_line_contains(allowed, kPermissionReason));
    const auto rule_lines = long_output_lines(allowed.out);
    ASSERT_EQ(rule_lines.size(), 1u) << describe(allowed);
    EXPECT_NE(rule_lines[0].find(fmt::format("seen webapp pid {} user nobody", own.pid())),
              std::string::npos)
        << describe(allowed);

    const ProgramRun wrong = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "8080=nginx"});
    EXPECT_TRUE(has_verdict(wrong, kCritical));
    EXPECT_TRUE(first_line_contains(
        wrong,
        fmt::format("tcp/8080 held by webapp (pid {}, user nobody), expected nginx", own.pid())));

    const ProgramRun by_owner =
        run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "8080=webapp,user:nobody"});
    EXPECT_TRUE(has_verdict(by_owner, kOk));
}

TEST_F(Unprivileged, UnattributedCriticalIsTheAdminsChoice) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run = run_as_nobody(plugin(PluginInstall::kPlain),
                                         {"--unattributed", "critical", "-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(run, kPermissionReason));
    EXPECT_TRUE(has_perfdata(run, "rules_unattributed", "1"));
}

TEST_F(Unprivileged, UnattributedOkIsTheAdminsChoice) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run =
        run_as_nobody(plugin(PluginInstall::kPlain), {"--unattributed", "ok", "-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
    // Still counted as unattributed, not as a rule that was verified.
    EXPECT_TRUE(has_perfdata(run, "rules_unattributed", "1"));
    EXPECT_TRUE(has_perfdata(run, "rules_ok", "0"));
}

}  // namespace
}  // namespace integration
