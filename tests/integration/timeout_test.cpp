// SPDX-License-Identifier: GPL-3.0-or-later
// The contract for -t (docs/architecture.md): on expiry, `PORT_OWNER UNKNOWN - timed out after N
// s`, exit 3, within N+1 s, even when the check is stuck where no signal reaches it (a /proc read
// that never returns). check_port_owner_fault_injection is the plugin built with a switch,
// PORT_OWNER_FAULT_STALL=1, that stalls the check with every signal blocked.
//
// The deadline is the point of this test: it is the one timing assertion of the suite.

#include "harness/binary_paths.hpp"
#include "harness/holder_executables.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/program_run.hpp"

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <fmt/core.h>

namespace integration {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class Timeout : public PortOwnerTest {
  protected:
    void SetUp() override {
        // A copy of its own, so that its processes can be told from those of any other test.
        binary_ = temp_dir() / "check_port_owner_fault_injection";
        copy_executable(kFaultInjectionPluginPath, binary_);
    }

    // The pids of live processes running this test's copy of the binary (zombies have no exe).
    std::vector<pid_t> processes_of_the_binary() const {
        std::vector<pid_t> found;
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            const std::string name = entry.path().filename().string();
            if (name.find_first_not_of("0123456789") != std::string::npos)
                continue;
            std::error_code error;
            const auto exe = std::filesystem::read_symlink(entry.path() / "exe", error);
            if (!error && exe == binary_)
                found.push_back(std::stoi(name));
        }
        return found;
    }

    std::filesystem::path binary_;
};

TEST_F(Timeout, StalledCheckAnswersUnknownWithinTheDeadlineAndLeavesNoProcess) {
    const auto started = Clock::now();
    const ProgramRun run =
        run_program(binary_, {"-t", "2", "-p", "80=nginx"}, 30s,
                    ChildOptions{.environment = {{"PORT_OWNER_FAULT_STALL", "1"}}});
    const auto took = Clock::now() - started;

    ASSERT_FALSE(run.timed_out) << "still running after 30 s" << describe(run);
    EXPECT_EQ(run.out, "PORT_OWNER UNKNOWN - timed out after 2 s\n") << describe(run);
    EXPECT_EQ(run.exit_code, 3) << describe(run);
    EXPECT_TRUE(run.err.empty()) << describe(run);
    EXPECT_LT(took, 3s) << "answered after "
                        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                        << " ms; the contract allows N+1 = 3 s" << describe(run);

    // The stalled check process must have been killed, not left behind with the scan open.
    auto left = processes_of_the_binary();
    for (const auto deadline = Clock::now() + 2s; !left.empty() && Clock::now() < deadline;) {
        std::this_thread::sleep_for(50ms);
        left = processes_of_the_binary();
    }
    EXPECT_TRUE(left.empty()) << fmt::format("{} process(es) of {} still running, e.g. pid {}",
                                             left.size(), binary_.string(),
                                             left.empty() ? 0 : left.front());
}

TEST_F(Timeout, WithoutTheSwitchTheSameBinaryIsThePlugin) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});

    const ProgramRun run =
        run_program(binary_, {"-t", "2", "-p", "80=nginx"}, 30s,
                    ChildOptions{.environment = {{"PORT_OWNER_FAULT_STALL", std::nullopt}}});

    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_TRUE(first_line_contains(run, "tcp/80 nginx"));
}

}  // namespace
}  // namespace integration
