// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 5: a prefork server. The master binds, forks workers, and all of them hold the one
// listening socket.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

namespace integration {
namespace {

using PreforkWorkers = PortOwnerTest;

HolderOptions nginx_with_workers() {
    return {.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}, .workers = 4};
}

TEST_F(PreforkWorkers, MasterAndWorkersOfTheAllowedProgramAreOk) {
    auto nginx = start_holder(nginx_with_workers());

    const ProgramRun run = run_plugin({"-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(PreforkWorkers, EveryHolderIsAllowedWithAllHolders) {
    auto nginx = start_holder(nginx_with_workers());

    const ProgramRun run = run_plugin({"--all-holders", "-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

TEST_F(PreforkWorkers, ForeignPreforkServerIsCriticalWithAllHolders) {
    auto apache =
        start_holder({.executable_name = "apache2", .sockets = {"tcp4/0.0.0.0:80"}, .workers = 4});

    const ProgramRun run = run_plugin({"--all-holders", "-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(run, "held by apache2 (pid "));
}

}  // namespace
}  // namespace integration
