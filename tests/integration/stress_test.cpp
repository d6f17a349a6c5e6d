// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 12: checks while other processes start and stop around them. Sockets and processes
// vanish between the plugin's listing of listeners, of /proc and of /proc/PID/fd; none of that may
// crash it, leak onto stderr, or disturb the verdict of a rule whose holder stays put.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

#include <array>
#include <atomic>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>

namespace integration {
namespace {

// The parameter: whether the checks run with --all-holders, which scans every process to the end
// and so meets the most processes that vanish mid-scan.
class Stress : public PortOwnerTest, public testing::WithParamInterface<bool> {};

constexpr int kChecks = 200;
// Stop listing failures after this many; the first few tell the story.
constexpr int kReportedFailures = 5;

const std::array<std::string, 4> kChurnPrograms{"sshd", "redis-server", "memcached", "dnsmasq"};

// The holder started in churn cycle `cycle`: a different program, protocol, family and worker
// count each time, on a port of its own slot (9000-9003), never on the stable port 80.
HolderOptions churn_holder(unsigned cycle, unsigned slot) {
    const unsigned port = 9000 + slot;
    const std::array<std::string, 4> sockets{
        fmt::format("tcp4/0.0.0.0:{}", port), fmt::format("tcp6/[::]:{},v6only=off", port),
        fmt::format("udp4/127.0.0.1:{}", port), fmt::format("udp6/[::1]:{},v6only=on", port)};
    return {.executable_name = kChurnPrograms[cycle % kChurnPrograms.size()],
            .sockets = {sockets[(cycle / 4) % sockets.size()]},
            .workers = cycle % 3};
}

// The plugin's arguments for check `index`: every listener source in turn.
std::vector<std::string> check_arguments(int index, bool all_holders) {
    const std::array<std::string, 3> sources{"auto", "netlink", "proc"};
    std::vector<std::string> arguments{"--listener-source", sources[index % sources.size()]};
    if (all_holders)
        arguments.push_back("--all-holders");
    arguments.insert(arguments.end(), {"-p", "80=nginx"});
    return arguments;
}

TEST_P(Stress, StableRuleStaysOkWhileOtherHoldersComeAndGo) {
    auto nginx =
        start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}, .workers = 2});
    // All copies now, before a second thread forks (see HolderExecutables::path_for).
    for (const auto& program : kChurnPrograms)
        executables().path_for(program);

    std::atomic<bool> checks_done = false;
    std::atomic<unsigned> churn_cycles = 0;
    std::exception_ptr churn_failure;
    // Holders started by this thread are also stopped by it: they die with the thread that started
    // them (PR_SET_PDEATHSIG).
    std::thread churn([&] {
        try {
            std::array<std::optional<HolderProcess>, 4> slots;
            for (unsigned cycle = 0; !checks_done; ++cycle) {
                const unsigned slot = cycle % slots.size();
                slots[slot].reset();  // stops the previous holder, freeing the port
                slots[slot].emplace(start_holder(churn_holder(cycle, slot)));
                ++churn_cycles;
            }
        } catch (...) {
            churn_failure = std::current_exception();
        }
    });

    int failures = 0;
    for (int index = 0; index < kChecks && failures < kReportedFailures; ++index) {
        const ProgramRun run = run_plugin(check_arguments(index, GetParam()));
        const bool exit_code_valid = run.exit_code && *run.exit_code >= 0 && *run.exit_code <= 3;
        EXPECT_TRUE(exit_code_valid) << "check " << index << describe(run);
        EXPECT_TRUE(run.err.empty()) << "check " << index << describe(run);
        EXPECT_TRUE(first_line(run.out).starts_with("PORT_OWNER "))
            << "check " << index << describe(run);
        const testing::AssertionResult ok = has_verdict(run, kOk);
        EXPECT_TRUE(ok) << "check " << index;
        if (!ok)
            ++failures;
    }
    checks_done = true;
    churn.join();

    if (churn_failure)
        std::rethrow_exception(churn_failure);
    // Otherwise the test would pass without having stressed anything.
    EXPECT_GT(churn_cycles.load(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, Stress, testing::Values(false, true),
                         [](const testing::TestParamInfo<bool>& info) {
                             return info.param ? "AllHolders" : "FirstHolder";
                         });

}  // namespace
}  // namespace integration
