// SPDX-License-Identifier: GPL-3.0-or-later
// --learn on Windows: what it writes, fed back with -C, accepts what it saw and rejects an
// impostor on the same port. These tests read every listener of the wine prefix, so ctest runs
// them alone (RUN_SERIAL): a holder of a parallel test could end between learning and checking.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_holder.hpp"
#include "harness/temp_dir.hpp"
#include "harness/wide_text.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace windows_tests {
namespace {

TEST(LearnRoundTrip, LearnedListAcceptsTheHoldersAndRejectsAnImpostor) {
    auto holder = std::make_unique<PortHolder>(
        holder_path(L"inetinfo.exe"), std::vector<std::string>{"tcp4:127.0.0.1:0", "udp6:[::1]:0"});
    ASSERT_TRUE(holder->holds_everything()) << holder->transcript();
    const std::string tcp_port = std::to_string(holder->ports()[0]);
    const std::string udp_port = std::to_string(holder->ports()[1]);

    const auto learned = run_plugin({"--learn"});
    ASSERT_EQ(learned.exit_code, 0) << learned;
    EXPECT_TRUE(learned.errors.empty()) << learned;
    EXPECT_EQ(learned.output.find('\r'), std::string::npos) << learned;
    EXPECT_NE(learned.output.find("[tcp/" + tcp_port + "]"), std::string::npos) << learned;
    EXPECT_NE(learned.output.find("[udp/" + udp_port + "]"), std::string::npos) << learned;
    // The full image path: an exe: entry, which a copy elsewhere under the same name misses.
    EXPECT_NE(learned.output.find("exe:" + narrow(holder_path(L"inetinfo.exe"))), std::string::npos)
        << learned;

    TempDir directory;
    const auto file = narrow(directory.write(L"learned.ini", learned.output));
    const auto accepted = run_plugin({"-C", file});
    EXPECT_TRUE(has_verdict(accepted, kOk));

    // The impostor: another program on the same TCP port. A listening socket that never had a
    // connection leaves nothing behind, so the port is free again at once.
    holder.reset();
    PortHolder rogue(holder_path(L"rogue.exe"), {"tcp4:127.0.0.1:" + tcp_port});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();
    const auto rejected = run_plugin({"-C", file});
    EXPECT_TRUE(has_verdict(rejected, kCritical));
    EXPECT_TRUE(names_holder(rejected, "rogue.exe", rogue.pid()));
}

// An impostor by name: the same file name, another directory. exe: entries compare the whole
// path, so the learned list rejects it.
TEST(LearnRoundTrip, ACopyUnderTheSameNameElsewhereIsRejected) {
    auto holder = std::make_unique<PortHolder>(holder_path(L"inetinfo.exe"),
                                               std::vector<std::string>{"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(holder->holds_everything()) << holder->transcript();
    const std::string port = std::to_string(holder->port());

    const auto learned = run_plugin({"--learn"});
    ASSERT_EQ(learned.exit_code, 0) << learned;
    TempDir directory;
    const auto file = narrow(directory.write(L"learned.ini", learned.output));

    holder.reset();
    const auto copy = directory.copy(holder_path(L"inetinfo.exe"), L"inetinfo.exe");
    PortHolder impostor(copy, {"tcp4:127.0.0.1:" + port});
    ASSERT_TRUE(impostor.holds_everything()) << impostor.transcript();
    const auto rejected = run_plugin({"-C", file});
    EXPECT_TRUE(has_verdict(rejected, kCritical));
    EXPECT_TRUE(names_holder(rejected, "inetinfo.exe", impostor.pid()));
}

}  // namespace
}  // namespace windows_tests
