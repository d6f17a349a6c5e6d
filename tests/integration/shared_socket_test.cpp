// SPDX-License-Identifier: GPL-3.0-or-later
// Every holder, every time: a second program that shares the allowed program's listening socket
// takes its connections too. It may have inherited the socket (fork + exec), received it over a
// Unix socket (SCM_RIGHTS), keep it only in one thread's own fd table (unshare(CLONE_FILES)), or
// live on in threads whose main thread has exited (/proc/PID/fd is then empty), or be registered
// in an io_uring instance as a fixed file and closed (in no fd table at all). The default check
// finds it in each case; --all-holders, now the default, changes nothing; the --first-holder
// shortcut may miss it and says so.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/program_run.hpp"

#include <fmt/core.h>

#include <chrono>
#include <string>
#include <vector>

namespace integration {
namespace {

class SharedSocket : public PortOwnerTest, public testing::WithParamInterface<std::string> {
  protected:
    // nginx binds; a program named `heir_name` comes to share the socket in the tested way.
    HolderProcess start_nginx_sharing_with(const std::string& heir_name) {
        return start_holder({.executable_name = "nginx",
                             .sockets = {"tcp4/0.0.0.0:8080"},
                             .heirs = {{.executable_name = heir_name, .mode = GetParam()}}});
    }
};

TEST_P(SharedSocket, AnotherProgramSharingTheSocketIsCritical) {
    auto nginx = start_nginx_sharing_with("rogue");
    ASSERT_EQ(nginx.worker_pids().size(), 1u);
    const pid_t rogue = nginx.worker_pids()[0];

    for (const std::vector<std::string>& arguments :
         {std::vector<std::string>{"-p", "8080=nginx"}, {"--all-holders", "-p", "8080=nginx"}}) {
        const ProgramRun run = run_plugin(arguments);
        EXPECT_TRUE(has_verdict(run, kCritical));
        EXPECT_TRUE(names_culprit(run, "rogue", rogue));
    }
}

TEST_P(SharedSocket, AnAllowedProgramSharingTheSocketIsOk) {
    auto nginx = start_nginx_sharing_with("nginx-helper");
    ASSERT_EQ(nginx.worker_pids().size(), 1u);

    const ProgramRun run = run_plugin({"-vv", "-p", "8080=nginx,nginx-helper"});
    EXPECT_TRUE(has_verdict(run, kOk));
    // Both are named, the heir with its own executable (read from its thread when need be).
    EXPECT_NE(run.out.find(fmt::format("nginx pid {}", nginx.pid())), std::string::npos)
        << describe(run);
    EXPECT_NE(run.out.find(fmt::format("nginx-helper pid {}", nginx.worker_pids()[0])),
              std::string::npos)
        << describe(run);
}

TEST_P(SharedSocket, TheFirstHolderShortcutSaysWhatItCanMiss) {
    auto nginx = start_nginx_sharing_with("rogue");

    const ProgramRun run = run_plugin({"--first-holder", "-p", "8080=nginx"});
    // Whichever holder it met first, it must not pass for a complete answer.
    EXPECT_NE(run.out.find("\nnote: --first-holder: only the first holder of each socket"),
              std::string::npos)
        << describe(run);
}

INSTANTIATE_TEST_SUITE_P(Ways, SharedSocket,
                         testing::Values("inherit", "scm_rights", "thread_table",
                                         "orphaned_threads", "io_uring"));

using HiddenProcesses = PortOwnerTest;

// In a container's PID namespace the processes outside it are not in /proc at all: the output
// says so rather than pass for a complete search.
TEST_F(HiddenProcesses, ANestedPidNamespaceIsSaid) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:8080"}});
    using namespace std::chrono_literals;
    // A fresh /proc for the new PID namespace, in a mount namespace made private first: "/", or
    // in a chroot, where "/" is no mount point, the /proc mount the new one stacks on.
    const std::vector<std::string> arguments{
        "--pid",
        "--fork",
        "--mount",
        "--propagation",
        "unchanged",
        "/bin/sh",
        "-c",
        "{ mount --make-rprivate / 2>/dev/null || mount --make-rprivate /proc; } && "
        "mount -t proc proc /proc && exec \"$@\"",
        "sh",
        kPluginPath,
        "-p",
        "8080"};
    const ProgramRun run = run_program("/usr/bin/unshare", arguments, 60s);
    EXPECT_NE(run.out.find("\nnote: the plugin runs in a nested PID namespace"), std::string::npos)
        << describe(run);
}

using FirstHolderOption = PortOwnerTest;

TEST_F(FirstHolderOption, ContradictsAllHolders) {
    const ProgramRun run = run_plugin({"--first-holder", "--all-holders", "-p", "80"});
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "--first-holder and --all-holders"));
}

}  // namespace
}  // namespace integration
