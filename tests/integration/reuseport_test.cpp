// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 6: SO_REUSEPORT lets a second program of the same user join a port silently and take a
// share of its traffic. Each process then has a socket of its own on the port, so even the default
// mode (one holder per listener) must see the intruder.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

namespace integration {
namespace {

using Reuseport = PortOwnerTest;

HolderOptions reuseport_holder(std::string executable_name) {
    return {.executable_name = std::move(executable_name),
            .sockets = {"tcp4/0.0.0.0:8080,reuseport"}};
}

TEST_F(Reuseport, ProgramJoiningThePortIsCritical) {
    auto nginx = start_holder(reuseport_holder("nginx"));
    auto intruder = start_holder(reuseport_holder("intruder"));

    const ProgramRun run = run_plugin({"-p", "8080=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "intruder", intruder.pid()));
}

TEST_F(Reuseport, ProgramJoiningThePortIsCriticalWithAllHolders) {
    auto nginx = start_holder(reuseport_holder("nginx"));
    auto intruder = start_holder(reuseport_holder("intruder"));

    const ProgramRun run = run_plugin({"--all-holders", "-p", "8080=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "intruder", intruder.pid()));
}

TEST_F(Reuseport, TwoInstancesOfTheAllowedProgramAreOk) {
    auto first = start_holder(reuseport_holder("nginx"));
    auto second = start_holder(reuseport_holder("nginx"));

    const ProgramRun run = run_plugin({"-p", "8080=nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

}  // namespace
}  // namespace integration
