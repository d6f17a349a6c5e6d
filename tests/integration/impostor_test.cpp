// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 4: a program named `evil` calls itself "nginx" with prctl(PR_SET_NAME). ss, netstat and
// lsof show that comm; the plugin must go by the executable. `name:` deliberately compares the
// comm, and is documented as spoofable.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

namespace integration {
namespace {

using Impostor = PortOwnerTest;

HolderOptions evil_calling_itself_nginx() {
    return {.executable_name = "evil", .sockets = {"tcp4/0.0.0.0:80"}, .comm = "nginx"};
}

TEST_F(Impostor, ExecutableNameRuleIsNotFooledByTheComm) {
    auto evil = start_holder(evil_calling_itself_nginx());

    const ProgramRun run = run_plugin({"-p", "80=nginx"});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "evil", evil.pid()));
}

TEST_F(Impostor, NameConditionComparesTheSpoofableComm) {
    auto evil = start_holder(evil_calling_itself_nginx());

    const ProgramRun run = run_plugin({"-p", "80=name:nginx"});

    EXPECT_TRUE(has_verdict(run, kOk));
}

}  // namespace
}  // namespace integration
