// SPDX-License-Identifier: GPL-3.0-or-later
// Through sudo the plugin runs as root with every id 0, and sudo itself records the invoking user
// in SUDO_UID/SUDO_GID. The rules for caller-named files must hold there too: read with the
// invoking user's rights, while the scan keeps root's full view. sudo is not installed in CI, so
// the test sets exactly what sudo sets (the variables) on a root run.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/program_run.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace integration {
namespace {

using namespace std::chrono_literals;

class SudoCaller : public PortOwnerTest {
  protected:
    // As root, with the variables sudo sets for an invocation by nobody (65534).
    ProgramRun run_as_sudo_from_nobody(const std::vector<std::string>& arguments) {
        ChildOptions options;
        options.environment["SUDO_UID"] = "65534";
        options.environment["SUDO_GID"] = "65534";
        options.environment["SUDO_USER"] = "nobody";
        return run_program(kPluginPath, arguments, 60s, options);
    }
};

TEST_F(SudoCaller, FilesTheInvokingUserCannotReadAreRefusedAndNotQuoted) {
    const auto secret = temp_dir() / "root-only.ini";
    std::ofstream(secret) << "[tcp/80]\nallow = SECRET-MARKER-7f3a\n";
    std::filesystem::permissions(
        secret, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    for (const std::vector<std::string>& arguments :
         {std::vector<std::string>{"-C", secret.string()},
          {"--extra-opts=@" + secret.string()},
          {"-C", "/etc/shadow"}}) {
        SCOPED_TRACE(arguments.back());
        const ProgramRun run = run_as_sudo_from_nobody(arguments);
        EXPECT_TRUE(has_verdict(run, kUnknown));
        EXPECT_TRUE(first_line_contains(run, "Permission denied"));
        EXPECT_EQ(run.out.find("SECRET-MARKER"), std::string::npos) << describe(run);
        EXPECT_EQ(run.out.find("root:"), std::string::npos) << describe(run);
    }
    // Without the variables, plain root reads its own file.
    const ProgramRun root = run_program(kPluginPath, {"-C", secret.string()}, 60s);
    EXPECT_EQ(root.out.find("Permission denied"), std::string::npos) << describe(root);
}

TEST_F(SudoCaller, TheScanKeepsRootsViewOfEveryHolder) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});
    const auto readable = temp_dir() / "rules.ini";
    std::ofstream(readable) << "[tcp/80]\nallow = nginx\n";
    std::filesystem::permissions(readable, std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    std::filesystem::permissions(temp_dir(), std::filesystem::perms::others_exec,
                                 std::filesystem::perm_options::add);
    const ProgramRun run = run_as_sudo_from_nobody({"-C", readable.string()});
    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_NE(run.out.find("nginx pid " + std::to_string(nginx.pid())), std::string::npos)
        << describe(run);
}

}  // namespace
}  // namespace integration
