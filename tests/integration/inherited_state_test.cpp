// SPDX-License-Identifier: GPL-3.0-or-later
// What a scheduler hands the plugin at exec: ignored or blocked signals (collectd's exec plugin
// ignores SIGCHLD), closed or odd standard descriptors, low resource limits, an empty environment,
// a caller without a passwd entry. Whatever it is, the answer is the right one, or UNKNOWN saying
// why; the exit code always matches line 1. Every test has an unexpected holder on a rule's port,
// so a wrong exit code would show as 0 (or 3) beside CRITICAL text.

#include "harness/binary_paths.hpp"
#include "harness/child_process.hpp"
#include "harness/holder_executables.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/privileges.hpp"
#include "harness/program_run.hpp"
#include "harness/unique_fd.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>

namespace integration {
namespace {

using namespace std::chrono_literals;

constexpr auto kRunTimeout = 60s;

// The sanitizer build (tests/sanitize): its runtimes need descriptors, threads and address space
// of their own, so under the tightest limits they fail before the plugin does.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// Every signal a process can ignore or block: not SIGKILL and SIGSTOP, nor the two that glibc
// keeps for itself between SIGSYS and SIGRTMIN.
std::vector<int> every_catchable_signal() {
    std::vector<int> signals;
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
        const bool reserved = signal_number > SIGSYS && signal_number < SIGRTMIN;
        if (signal_number != SIGKILL && signal_number != SIGSTOP && !reserved)
            signals.push_back(signal_number);
    }
    return signals;
}

rlim_t hard_limit(int resource) {
    rlimit current{};
    getrlimit(resource, &current);
    return current.rlim_max;
}

// A lower soft limit under the inherited hard one, which the plugin may raise again.
ResourceLimit soft_limit(int resource, rlim_t soft) {
    return {resource, soft, hard_limit(resource)};
}

class InheritedState : public PortOwnerTest {
  protected:
    // nginx on tcp/PORT (allowed) and evil on tcp/PORT+1 (the unexpected holder), as `user`.
    void start_holders(std::optional<ChildIdentity> user = std::nullopt, int port = 80) {
        nginx_ = start_holder({.executable_name = "nginx",
                               .sockets = {fmt::format("tcp4/0.0.0.0:{}", port)},
                               .run_as = user});
        evil_ = start_holder({.executable_name = "evil",
                              .sockets = {fmt::format("tcp4/0.0.0.0:{}", port + 1)},
                              .run_as = user});
        rules_ = {"-p", fmt::format("{}=nginx", port), "-p", fmt::format("{}=nginx", port + 1)};
    }

    // For a caller other than root: the holders run as `user` on 8080 and 8081, and the plugin
    // is copied where `user` can reach it (the build tree may be below a directory only root
    // may enter). Returns the copy's path.
    std::filesystem::path start_as_other_user(const ChildIdentity& user) {
        set_mode(temp_dir(), 0755);
        auto plugin = temp_dir() / "check_port_owner";
        copy_executable(kPluginPath, plugin);
        start_holders(user, 8080);
        return plugin;
    }

    ProgramRun run_check(const ChildOptions& options,
                         const std::vector<std::string>& extra_arguments = {}) {
        auto arguments = rules_;
        arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
        return run_program(kPluginPath, arguments, kRunTimeout, options);
    }

    // The right answer: CRITICAL, exit 2, naming evil on line 1.
    testing::AssertionResult catches_evil(const ProgramRun& run) const {
        if (auto verdict = has_verdict(run, kCritical); !verdict)
            return verdict;
        return names_culprit(run, "evil", evil_->pid());
    }

    // Whether the plugin can start at all under `options`: --version prints its line from main().
    // Below that, the dynamic loader or the C library gives up before any code of the plugin runs.
    static bool starts_under(const ChildOptions& options) {
        // Under a limit too low to work with, even --version answers UNKNOWN naming the limit.
        const ProgramRun run = run_program(kPluginPath, {"--version"}, kRunTimeout, options);
        return run.exit_code == 3 && (run.out.starts_with("check_port_owner v") ||
                                      run.out.starts_with("PORT_OWNER UNKNOWN - "));
    }

    std::vector<std::string> rules_;
    std::optional<HolderProcess> nginx_;
    std::optional<HolderProcess> evil_;
};

TEST_F(InheritedState, SigchldIgnoredAsCollectdsExecPluginLeavesIt) {
    start_holders();
    EXPECT_TRUE(catches_evil(run_check({.ignored_signals = {SIGCHLD}})));
}

TEST_F(InheritedState, EverySignalIgnoredAndBlocked) {
    start_holders();
    EXPECT_TRUE(catches_evil(run_check({.ignored_signals = every_catchable_signal()})));
    EXPECT_TRUE(catches_evil(run_check({.blocked_signals = every_catchable_signal()})));
    EXPECT_TRUE(catches_evil(run_check({.ignored_signals = every_catchable_signal(),
                                        .blocked_signals = every_catchable_signal()})));
}

TEST_F(InheritedState, ClosedStdinOrStderrChangesNothing) {
    start_holders();
    for (const auto& closed : std::vector<std::vector<int>>{{0}, {2}, {0, 2}}) {
        SCOPED_TRACE(fmt::format("closed: {}", fmt::join(closed, ", ")));
        EXPECT_TRUE(catches_evil(run_check({.closed_descriptors = closed})));
    }
}

// With stdout closed nobody reads the text; the exit code is still the answer.
TEST_F(InheritedState, ClosedStdoutStillGivesTheVerdictsExitCode) {
    start_holders();
    for (const auto& closed : std::vector<std::vector<int>>{{1}, {1, 2}, {0, 1, 2}}) {
        SCOPED_TRACE(fmt::format("closed: {}", fmt::join(closed, ", ")));
        const ProgramRun run = run_check({.closed_descriptors = closed});
        EXPECT_EQ(run.exit_code, 2) << describe(run);
        EXPECT_TRUE(run.err.empty()) << describe(run);
    }
}

TEST_F(InheritedState, StdoutToAFileAndStdinFromDevFull) {
    start_holders();
    const auto output_file = temp_dir() / "output";
    const UniqueFd output(open(output_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    const UniqueFd full(open("/dev/full", O_RDWR | O_CLOEXEC));
    ASSERT_TRUE(output.valid() && full.valid());

    const pid_t pid =
        spawn_child(kPluginPath, rules_,
                    {.stdin_fd = full.get(), .stdout_fd = output.get(), .stderr_fd = output.get()},
                    /*die_with_parent=*/true);
    const auto status = wait_for_exit(pid, kRunTimeout);
    ProgramRun run{.executable = kPluginPath, .arguments = rules_};
    if (!status) {
        kill_and_reap(pid);
        run.timed_out = true;
    } else if (WIFEXITED(*status)) {
        run.exit_code = WEXITSTATUS(*status);
    } else {
        run.signal = WTERMSIG(*status);
    }
    run.out = read_whole_file(output_file);
    EXPECT_TRUE(catches_evil(run));
}

// The answer could not be written: the exit code must not claim a verdict nobody can read.
TEST_F(InheritedState, UnwritableStdoutIsUnknown) {
    start_holders();
    const UniqueFd full(open("/dev/full", O_WRONLY | O_CLOEXEC));
    const UniqueFd null_device(open("/dev/null", O_RDWR | O_CLOEXEC));
    ASSERT_TRUE(full.valid() && null_device.valid());

    const pid_t pid = spawn_child(
        kPluginPath, rules_,
        {.stdin_fd = null_device.get(), .stdout_fd = full.get(), .stderr_fd = null_device.get()},
        /*die_with_parent=*/true);
    const auto status = wait_for_exit(pid, kRunTimeout);
    if (!status)
        kill_and_reap(pid);
    ASSERT_TRUE(status.has_value()) << "still running after " << kRunTimeout.count() << " s";
    EXPECT_EQ(describe_wait_status(*status), "exit code 3");
}

TEST_F(InheritedState, LowOpenFileSoftLimitIsRaised) {
    start_holders();
    for (const rlim_t soft : {4, 5, 6, 8, 16}) {
        SCOPED_TRACE(fmt::format("RLIMIT_NOFILE soft {}", soft));
        EXPECT_TRUE(
            catches_evil(run_check({.resource_limits = {soft_limit(RLIMIT_NOFILE, soft)}})));
    }
}

// Where the open-file limit cannot be raised far enough, the /proc walk could miss holders; the
// check must then refuse to answer, even with --unattributed ok (a missed holder would read as an
// unattributed listener, which that option accepts).
TEST_F(InheritedState, OpenFileHardLimitTooLowIsUnknownNeverOk) {
    start_holders();
    for (const rlim_t limit : {4, 5, 6, 8, 16}) {
        if (kSanitized && limit < 5)
            continue;  // UBSan's vptr check probes memory through a pipe: two more descriptors
        SCOPED_TRACE(fmt::format("RLIMIT_NOFILE {}:{}", limit, limit));
        const ProgramRun run = run_check({.resource_limits = {{RLIMIT_NOFILE, limit, limit}}},
                                         {"--unattributed", "ok"});
        EXPECT_TRUE(has_verdict(run, kUnknown));
        EXPECT_TRUE(first_line_contains(run, "RLIMIT_NOFILE"));
    }
}

TEST_F(InheritedState, LowStackSoftLimitIsRaised) {
    start_holders();
    int runs = 0;
    // Below about 32 KiB the dynamic loader itself may run out of stack before main(), depending
    // on where the kernel placed the stack: nothing a program can answer.
    for (const rlim_t soft : {32768, 65536, 131072}) {
        SCOPED_TRACE(fmt::format("RLIMIT_STACK soft {}", soft));
        const ChildOptions options{.resource_limits = {soft_limit(RLIMIT_STACK, soft)}};
        if (!starts_under(options))
            continue;
        ++runs;
        EXPECT_TRUE(catches_evil(run_check(options)));
    }
    EXPECT_GT(runs, 0) << "the plugin started under none of the limits";
}

TEST_F(InheritedState, StackHardLimitTooLowIsUnknown) {
    start_holders();
    int runs = 0;
    // Not lower: see LowStackSoftLimitIsRaised.
    for (const rlim_t limit : {32768, 65536, 131072}) {
        SCOPED_TRACE(fmt::format("RLIMIT_STACK {}:{}", limit, limit));
        const ChildOptions options{.resource_limits = {{RLIMIT_STACK, limit, limit}}};
        if (!starts_under(options))
            continue;
        ++runs;
        const ProgramRun run = run_check(options);
        EXPECT_TRUE(has_verdict(run, kUnknown));
        EXPECT_TRUE(first_line_contains(run, "RLIMIT_STACK"));
    }
    EXPECT_GT(runs, 0) << "the plugin started under none of the limits";
}

// Short of memory, the check may fail anywhere; it must then say UNKNOWN, never die by a signal
// or print one state and exit with another.
TEST_F(InheritedState, LowMemoryLimitsGiveTheVerdictOrUnknown) {
    if (kSanitized)
        GTEST_SKIP()
            << "AddressSanitizer reserves terabytes of address space: no memory limit fits";
    start_holders();
    int verdicts = 0;
    int unknowns = 0;
    for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
        for (rlim_t limit = 256 * 1024; limit <= 64 * 1024 * 1024; limit += limit / 4) {
            SCOPED_TRACE(
                fmt::format("{} {}", resource == RLIMIT_AS ? "RLIMIT_AS" : "RLIMIT_DATA", limit));
            const ChildOptions options{.resource_limits = {{resource, limit, limit}}};
            if (!starts_under(options))
                continue;
            const ProgramRun run = run_check(options);
            if (has_verdict(run, kUnknown)) {
                ++unknowns;
            } else {
                EXPECT_TRUE(catches_evil(run));
                ++verdicts;
            }
        }
    }
    // Both outcomes occurred, so the sweep crossed the point where the check runs out of memory.
    EXPECT_GT(unknowns, 0);
    EXPECT_GT(verdicts, 0);
}

TEST_F(InheritedState, ProcessLimitReachedIsUnknown) {
    // A uid of its own (no other test uses it), which the process limit counts for: the two
    // holders and the plugin are its only processes, so the plugin cannot fork its check.
    const ChildIdentity user{.uid = 42422, .gid = 42422};
    const auto plugin = start_as_other_user(user);

    ChildOptions options{.run_as = user, .resource_limits = {{RLIMIT_NPROC, 3, 3}}};
    if (kSanitized) {
        // LeakSanitizer stops the process's threads from a thread of its own at exit, which the
        // limit forbids.
        const char* asan_options = std::getenv("ASAN_OPTIONS");
        options.environment["ASAN_OPTIONS"] =
            std::string(asan_options == nullptr ? "" : asan_options) + ":detect_leaks=0";
    }
    const ProgramRun run = run_program(plugin, rules_, kRunTimeout, options);

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "RLIMIT_NPROC"));
}

TEST_F(InheritedState, EmptyEnvironment) {
    start_holders();
    auto arguments = rules_;
    arguments.insert(arguments.begin(), {"-i", kPluginPath.string()});
    ProgramRun run = run_program("/usr/bin/env", arguments, kRunTimeout);
    EXPECT_TRUE(catches_evil(run));
}

TEST_F(InheritedState, CallerWithoutPasswdEntry) {
    const ChildIdentity user{.uid = 42421, .gid = 42421};
    const auto plugin = start_as_other_user(user);

    const ProgramRun run = run_program(plugin, rules_, kRunTimeout, {.run_as = user});

    EXPECT_TRUE(catches_evil(run));
    EXPECT_TRUE(first_line_contains(run, "user 42421)"));
}

// collectd's exec plugin and a cron-like wrapper at once.
TEST_F(InheritedState, EverythingAtOnce) {
    start_holders();
    ChildOptions options{
        .ignored_signals = {SIGCHLD, SIGPIPE, SIGTERM, SIGHUP},
        .blocked_signals = every_catchable_signal(),
        .closed_descriptors = {0},
        .resource_limits = {soft_limit(RLIMIT_NOFILE, 5), soft_limit(RLIMIT_STACK, 24576)}};
    auto arguments = rules_;
    arguments.insert(arguments.begin(), {"-i", kPluginPath.string()});
    const ProgramRun run = run_program("/usr/bin/env", arguments, kRunTimeout, options);
    EXPECT_TRUE(catches_evil(run));
}

}  // namespace
}  // namespace integration
