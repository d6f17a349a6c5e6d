// SPDX-License-Identifier: GPL-3.0-or-later
// README, privilege: installed with file capabilities cap_dac_read_search,cap_sys_ptrace (as the
// package does), the plugin run by an unprivileged user attributes every listener exactly as root
// would. The same holds for a setuid-root copy. The control: the same binary without them cannot.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/privileged_plugin_test.hpp"

#include <fmt/core.h>

#include <string>
#include <vector>

namespace integration {
namespace {

using ElevatedAttributionControl = PrivilegedPluginTest;

class ElevatedAttribution : public PrivilegedPluginTest,
                            public testing::WithParamInterface<PluginInstall> {};

std::string summary_without_perfdata(const ProgramRun& run) {
    const std::string line = first_line(run.out);
    return line.substr(0, line.find('|'));
}

// Same exit code, same line 1 (perfdata aside: it carries the scan time), same rule lines (holder
// names, pids, users, executables).
testing::AssertionResult reports_the_same(const ProgramRun& as_root, const ProgramRun& elevated) {
    if (as_root.exit_code != elevated.exit_code ||
        summary_without_perfdata(as_root) != summary_without_perfdata(elevated) ||
        long_output_lines(as_root.out) != long_output_lines(elevated.out) ||
        !elevated.err.empty()) {
        return testing::AssertionFailure()
               << "the elevated run as nobody differs from the run as root\n--- as root:"
               << describe(as_root) << "--- elevated, as nobody:" << describe(elevated);
    }
    return testing::AssertionSuccess();
}

TEST_P(ElevatedAttribution, AttributesRootHeldListenersLikeRoot) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});
    auto msproxy = start_holder({.executable_name = "msproxy", .sockets = {"tcp4/0.0.0.0:443"}});
    const std::vector<std::string> arguments{"-p", "80=nginx", "-p", "443=nginx"};

    const ProgramRun as_root = run_as_root(arguments);
    // The reference itself must be the full answer, or comparing with it proves nothing.
    ASSERT_TRUE(has_verdict(as_root, kCritical));
    ASSERT_TRUE(names_culprit(as_root, "msproxy", msproxy.pid()));
    const auto root_lines = long_output_lines(as_root.out);
    ASSERT_EQ(root_lines.size(), 2u) << describe(as_root);
    ASSERT_NE(root_lines[1].find(fmt::format("nginx pid {} user root", nginx.pid())),
              std::string::npos)
        << describe(as_root);

    const ProgramRun elevated = run_as_nobody(plugin(GetParam()), arguments);

    EXPECT_TRUE(has_verdict(elevated, kCritical));
    EXPECT_TRUE(names_culprit(elevated, "msproxy", msproxy.pid()));
    EXPECT_TRUE(reports_the_same(as_root, elevated));
}

TEST_P(ElevatedAttribution, AllowedRootHeldListenerIsOk) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun elevated = run_as_nobody(plugin(GetParam()), {"-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(elevated, kOk));
    EXPECT_TRUE(has_perfdata(elevated, "rules_ok", "1"));
    EXPECT_TRUE(reports_the_same(run_as_root({"-p", "80=nginx"}), elevated));
}

TEST_P(ElevatedAttribution, AllHoldersOfAPreforkServerLikeRoot) {
    auto apache =
        start_holder({.executable_name = "apache2", .sockets = {"tcp4/0.0.0.0:80"}, .workers = 2});
    ASSERT_EQ(apache.worker_pids().size(), 2u);

    for (const std::string allowed : {"apache2", "nginx"}) {
        const std::vector<std::string> arguments{"--all-holders", "-p", "80=" + allowed};
        const ProgramRun as_root = run_as_root(arguments);
        ASSERT_TRUE(has_verdict(as_root, allowed == "apache2" ? kOk : kCritical));
        const auto root_lines = long_output_lines(as_root.out);
        ASSERT_EQ(root_lines.size(), 1u) << describe(as_root);
        if (allowed == "nginx") {
            // Every holder is listed, master and workers (few enough not to be cut).
            for (const pid_t pid :
                 {apache.pid(), apache.worker_pids()[0], apache.worker_pids()[1]}) {
                ASSERT_NE(root_lines[0].find(fmt::format("apache2 pid {} user root", pid)),
                          std::string::npos)
                    << describe(as_root);
            }
        }

        const ProgramRun elevated = run_as_nobody(plugin(GetParam()), arguments);

        EXPECT_TRUE(has_verdict(elevated, allowed == "apache2" ? kOk : kCritical));
        EXPECT_TRUE(reports_the_same(as_root, elevated));
    }
}

// The control: the very same binary, without the capabilities or the setuid bit, cannot attribute.
// If this passed as OK, the tests above would not show that privilege is what makes them work.
TEST_F(ElevatedAttributionControl, WithoutElevationTheSameBinaryCannotAttribute) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun plain = run_as_nobody(plugin(PluginInstall::kPlain), {"-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(plain, kUnknown));
    EXPECT_TRUE(first_line_contains(plain, "permission denied"));
}

INSTANTIATE_TEST_SUITE_P(Installs, ElevatedAttribution,
                         testing::Values(PluginInstall::kFileCapabilities,
                                         PluginInstall::kSetuidRoot),
                         [](const testing::TestParamInfo<PluginInstall>& info) {
                             return std::string(install_name(info.param));
                         });

}  // namespace
}  // namespace integration
