// SPDX-License-Identifier: GPL-3.0-or-later
// An executable's path is not proof of what runs:
// - in a private mount namespace anyone can bind-mount their own program over a trusted path and
//   run it; /proc/PID/exe then reads the trusted path. exe: compares the running file (device and
//   inode) with the file at the path here, and the output says when a holder runs in another
//   mount namespace;
// - when the executable cannot be read at all (a path longer than PATH_MAX gives ENAMETOOLONG
//   even to root), NAME must not fall back to the 15-byte comm, which the process chooses.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/unique_fd.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/core.h>

namespace integration {
namespace {

class ExecutableIdentity : public PortOwnerTest {
  protected:
    // `rogue`, which calls itself nginx (comm), on tcp/8080, run from a path longer than PATH_MAX.
    HolderProcess start_rogue_called_nginx_behind_a_long_path();
};

// Runs the holder with `impostor` bind-mounted over its path in a private mount namespace.
std::vector<std::string> bind_mounted_over(const std::filesystem::path& impostor) {
    return {"/usr/bin/unshare",
            "--mount",
            "--propagation",
            "private",
            "/bin/sh",
            "-c",
            "mount --bind \"$0\" \"$1\" && exec \"$@\"",
            impostor.string()};
}

// In a chroot (sbuild, pbuilder) "/" is no mount point: a new mount namespace cannot be made
// private, and a bind mount in it could reach the host's mounts. Such tests are skipped there.
bool root_is_a_mount_point() {
    std::ifstream mountinfo("/proc/self/mountinfo");
    std::string line;
    while (std::getline(mountinfo, line)) {
        std::istringstream fields(line);
        std::string id, parent, device, root, mount_point;
        if (fields >> id >> parent >> device >> root >> mount_point && mount_point == "/") {
            return true;
        }
    }
    return false;
}

TEST_F(ExecutableIdentity, ABindMountedImpostorDoesNotPassForTheTrustedPath) {
    if (!root_is_a_mount_point()) {
        GTEST_SKIP() << "/ is not a mount point (a chroot): no private mount namespace here";
    }
    const auto trusted = executables().path_for("nginx");
    const auto impostor = executables().path_for("rogue");
    auto rogue = start_holder({.executable_name = "nginx",
                               .sockets = {"tcp4/0.0.0.0:8080"},
                               .launcher = bind_mounted_over(impostor)});

    const ProgramRun run = run_plugin({"-p", "8080=exe:" + trusted.string()});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(first_line_contains(run, fmt::format("held by nginx (pid {}", rogue.pid())));
    EXPECT_NE(run.out.find("(not the file at that path here)"), std::string::npos) << describe(run);
    EXPECT_NE(run.out.find("mount namespace other than the plugin's"), std::string::npos)
        << describe(run);
    // A glob over the trusted directory is no way around it.
    EXPECT_TRUE(has_verdict(
        run_plugin({"-p", "8080=exe:" + (trusted.parent_path() / "*").string()}), kCritical));
}

TEST_F(ExecutableIdentity, TheTrustedProgramItselfPasses) {
    const auto trusted = executables().path_for("nginx");
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:8080"}});

    EXPECT_TRUE(has_verdict(run_plugin({"-p", "8080=exe:" + trusted.string()}), kOk));
}

// The trusted program run from a private mount namespace is still the trusted file: OK, and the
// output says where it runs.
TEST_F(ExecutableIdentity, TheTrustedFileInAnotherMountNamespacePassesAndIsNamedSo) {
    if (!root_is_a_mount_point()) {
        GTEST_SKIP() << "/ is not a mount point (a chroot): no private mount namespace here";
    }
    const auto trusted = executables().path_for("nginx");
    auto nginx =
        start_holder({.executable_name = "nginx",
                      .sockets = {"tcp4/0.0.0.0:8080"},
                      .launcher = {"/usr/bin/unshare", "--mount", "--propagation", "private"}});

    const ProgramRun run = run_plugin({"-p", "8080=exe:" + trusted.string()});
    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_NE(run.out.find("mount namespace other than the plugin's"), std::string::npos)
        << describe(run);
}

// Makes `directory/d/d/.../name`, a hard link to `program`, whose path is longer than PATH_MAX,
// and returns the launcher that runs it: one relative chdir at a time (a shell's cd would build
// the whole path and fail), then exec ./name in place of the holder's own path.
std::vector<std::string> behind_a_path_longer_than_path_max(const std::filesystem::path& directory,
                                                            const std::filesystem::path& program,
                                                            const std::string& name) {
    const std::string component(200, 'd');
    UniqueFd current(open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::size_t length = directory.string().size();
    unsigned depth = 0;
    while (length <= PATH_MAX + 200) {
        if (mkdirat(current.get(), component.c_str(), 0755) != 0)
            throw std::system_error(errno, std::generic_category(), "mkdirat");
        current = UniqueFd(openat(current.get(), component.c_str(), O_RDONLY | O_DIRECTORY));
        length += component.size() + 1;
        ++depth;
    }
    if (linkat(AT_FDCWD, program.c_str(), current.get(), name.c_str(), 0) != 0)
        throw std::system_error(errno, std::generic_category(), "linkat");
    const std::string script =
        "import os, sys\n"
        "os.chdir(sys.argv[1])\n"
        "for _ in range(int(sys.argv[2])):\n"
        "    os.chdir(sys.argv[3])\n"
        "program = './' + sys.argv[4]\n"
        "os.execv(program, [program] + sys.argv[6:])\n";
    return {"/usr/bin/python3",    "-c",      script, directory.string(),
            std::to_string(depth), component, name};
}

HolderProcess ExecutableIdentity::start_rogue_called_nginx_behind_a_long_path() {
    const auto launcher =
        behind_a_path_longer_than_path_max(temp_dir(), executables().path_for("rogue"), "rogue");
    return start_holder({.executable_name = "rogue",
                         .sockets = {"tcp4/0.0.0.0:8080"},
                         .comm = "nginx",
                         .launcher = launcher});
}

TEST_F(ExecutableIdentity, AnUnreadableExecutableIsNeverMatchedByItsComm) {
    auto rogue = start_rogue_called_nginx_behind_a_long_path();

    const ProgramRun by_name = run_plugin({"-p", "8080=nginx"});
    EXPECT_TRUE(has_verdict(by_name, kUnknown));
    EXPECT_TRUE(first_line_contains(by_name, "longer than PATH_MAX"));
    EXPECT_TRUE(first_line_contains(by_name, fmt::format("pid {}", rogue.pid())));
    EXPECT_TRUE(has_perfdata(by_name, "rules_unattributed", "1"));

    EXPECT_TRUE(has_verdict(run_plugin({"-p", "8080=exe:/usr/sbin/nginx"}), kUnknown));
    // What is known still decides: the user, or the comm when the admin asks for it by name.
    EXPECT_TRUE(has_verdict(run_plugin({"-p", "8080=nginx,user:root"}), kOk));
    EXPECT_TRUE(has_verdict(run_plugin({"-p", "8080=name:nginx"}), kOk));
    EXPECT_TRUE(has_verdict(run_plugin({"-p", "8080=nginx+user:nobody"}), kCritical));
}

TEST_F(ExecutableIdentity, LearnWritesOnlyWhatCanBeVerified) {
    auto rogue = start_rogue_called_nginx_behind_a_long_path();

    const ProgramRun learned = run_plugin({"--learn"});
    ASSERT_EQ(learned.exit_code, 0) << describe(learned);
    EXPECT_NE(learned.out.find("[tcp/8080]"), std::string::npos) << describe(learned);
    EXPECT_NE(learned.out.find("allow = user:0"), std::string::npos) << describe(learned);
    EXPECT_EQ(learned.out.find("allow = nginx"), std::string::npos) << describe(learned);
}

}  // namespace
}  // namespace integration
