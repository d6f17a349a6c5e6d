// SPDX-License-Identifier: GPL-3.0-or-later
// The supervisor's last line of defence: whatever went wrong in the check process, the exit code
// matches the state word of line 1, or the answer is UNKNOWN naming what went wrong. Faults no
// real run can be made to show are injected with check_port_owner_fault_injection:
//   PORT_OWNER_FAULT_EXIT_CODE=N   the check prints its report but exits with N
//   PORT_OWNER_FAULT_CRASH=1       the check writes through a null pointer
//   PORT_OWNER_FAULT_KEEP_SIGNALS=1   the start-up leaves inherited signal dispositions alone, so
//                                  an ignored SIGCHLD makes the kernel discard the check's status

#include "harness/binary_paths.hpp"
#include "harness/holder_executables.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/program_run.hpp"

#include <signal.h>

#include <chrono>

namespace integration {
namespace {

using namespace std::chrono_literals;

class Supervisor : public PortOwnerTest {
  protected:
    void SetUp() override {
        nginx_ = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});
        evil_ = start_holder({.executable_name = "evil", .sockets = {"tcp4/0.0.0.0:81"}});
    }

    static ProgramRun run_faulty(const ChildOptions& options) {
        return run_program(kFaultInjectionPluginPath, {"-p", "80=nginx", "-p", "81=nginx"}, 60s,
                           options);
    }

    std::optional<HolderProcess> nginx_;
    std::optional<HolderProcess> evil_;
};

TEST_F(Supervisor, WithoutFaultsTheVerdictPassesThrough) {
    const ProgramRun run = run_faulty({});
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "evil", evil_->pid()));
}

TEST_F(Supervisor, ExitCodeThatDisagreesWithLineOneIsUnknown) {
    for (const char* code : {"0", "1", "3"}) {
        SCOPED_TRACE(code);
        const ProgramRun run = run_faulty({.environment = {{"PORT_OWNER_FAULT_EXIT_CODE", code}}});
        EXPECT_TRUE(has_verdict(run, kUnknown));
        EXPECT_TRUE(first_line_contains(run, "CRITICAL"));
        EXPECT_TRUE(first_line_contains(run, std::string("exit code ") + code));
    }
}

TEST_F(Supervisor, ExitCodeOutsideThePluginRangeIsUnknown) {
    const ProgramRun run = run_faulty({.environment = {{"PORT_OWNER_FAULT_EXIT_CODE", "4"}}});
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "exit code 4"));
}

// A bug that crashes the check (PORT_OWNER_FAULT_CRASH writes through a null pointer) ends as one
// UNKNOWN line from the supervisor, whatever the crash printed on its way out.
TEST_F(Supervisor, CrashedCheckIsOneUnknownLine) {
    const ProgramRun run = run_faulty({.environment = {{"PORT_OWNER_FAULT_CRASH", "1"}}});
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "internal error"));
}

TEST_F(Supervisor, LostExitStatusIsUnknownNeverOk) {
    const ProgramRun run = run_faulty(
        {.environment = {{"PORT_OWNER_FAULT_KEEP_SIGNALS", "1"}}, .ignored_signals = {SIGCHLD}});
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "exit status"));
}

}  // namespace
}  // namespace integration
