// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace integration {

// What the child's standard descriptors, and optionally its fd 3, are connected to. The parent's
// descriptors are only borrowed; every other descriptor is closed in the child at exec.
struct ChildDescriptors {
    int stdin_fd = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
    std::optional<int> fd3{};
};

// A user to run the child as: the child clears its supplementary groups and sets its real,
// effective and saved gid and uid before exec, as `setpriv --reuid --regid --clear-groups` would.
struct ChildIdentity {
    uid_t uid;
    gid_t gid;
};

// A resource limit to set in the child (setrlimit), e.g. {RLIMIT_NOFILE, 8, 8}.
struct ResourceLimit {
    int resource;
    rlim_t soft;
    rlim_t hard;
};

// How to start the child, beyond its descriptors. The default inherits everything.
struct ChildOptions {
    std::optional<ChildIdentity> run_as{};
    // Changes to the inherited environment: NAME -> value, or NAME -> nullopt to remove NAME.
    std::map<std::string, std::optional<std::string>> environment{};
    // What a scheduler may hand over besides that, applied in the child just before exec (after
    // run_as, so that a low RLIMIT_NPROC does not stop the change of user): signals left ignored
    // (SIG_IGN survives exec) or blocked, standard descriptors left closed, resource limits.
    std::vector<int> ignored_signals{};
    std::vector<int> blocked_signals{};
    std::vector<int> closed_descriptors{};
    std::vector<ResourceLimit> resource_limits{};
};

// fork + execv, no shell: runs `executable` with argv = [executable, arguments...].
// With `die_with_parent`, the child gets SIGKILL when the thread that started it exits
// (PR_SET_PDEATHSIG): a crashed test leaves no process behind; so stop such a child from the
// thread that started it.
// `options` may change the child's user and environment (see ChildOptions).
// Returns the pid once execv has succeeded; throws std::system_error if it, or changing the user,
// failed.
pid_t spawn_child(const std::filesystem::path& executable,
                  const std::vector<std::string>& arguments, const ChildDescriptors& descriptors,
                  bool die_with_parent, const ChildOptions& options = {});

// Waits up to `timeout` for `pid` to end and reaps it. Returns its wait status, or nothing if it
// is still running.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);

// SIGKILL, then reap. Returns the wait status.
int kill_and_reap(pid_t pid);

// "exit code 2", "killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

}  // namespace integration
