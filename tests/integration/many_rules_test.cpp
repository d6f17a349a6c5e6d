// SPDX-License-Identifier: GPL-3.0-or-later
// Ten thousand rules on scattered ports: more ranges than one kernel-side port filter holds (its
// netlink attribute has a 16-bit length). The plugin must still list the listeners, with each
// listener source, within its timeout.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"
#include "harness/test_files.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/core.h>

namespace integration {
namespace {

constexpr int kScatteredRules = 10000;

// An allowed daemon on one port and an intruder on another, among 10,000 optional rules; with each
// listener source, and over UDP with -p rules.
class ScatteredRules : public PortOwnerTest, public testing::WithParamInterface<std::string> {};

TEST_P(ScatteredRules, AllowListFileFindsTheIntruder) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:4000"}});
    auto evil = start_holder({.executable_name = "evil", .sockets = {"tcp4/0.0.0.0:16000"}});
    std::string text = "missing = ok\n";
    for (int i = 0; i < kScatteredRules; ++i)
        text += fmt::format("[tcp/{}]\nallow = nginx\n", scattered_port(i));
    const auto file = write_text_file(temp_dir() / "allow.ini", text);

    const ProgramRun run = run_plugin({"--listener-source", GetParam(), "-C", file.string()});

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "evil", evil.pid()));
    EXPECT_TRUE(has_perfdata(run, "rules", "10000"));
    EXPECT_TRUE(has_perfdata(run, "listeners", "2"));
}

TEST_P(ScatteredRules, UdpRulesOnTheCommandLineFindTheIntruder) {
    auto named = start_holder({.executable_name = "named", .sockets = {"udp4/127.0.0.1:4000"}});
    auto evil = start_holder({.executable_name = "evil", .sockets = {"udp4/127.0.0.1:16000"}});
    std::vector<std::string> arguments{"--listener-source", GetParam(), "--missing", "ok"};
    for (int i = 0; i < kScatteredRules; ++i) {
        arguments.push_back("-p");
        arguments.push_back(fmt::format("udp/{}=named", scattered_port(i)));
    }

    const ProgramRun run = run_plugin(arguments);

    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "evil", evil.pid()));
    EXPECT_TRUE(has_perfdata(run, "rules", "10000"));
    EXPECT_TRUE(has_perfdata(run, "listeners", "2"));
}

INSTANTIATE_TEST_SUITE_P(ListenerSources, ScatteredRules,
                         testing::Values("auto", "netlink", "proc"),
                         [](const testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

}  // namespace
}  // namespace integration
