// SPDX-License-Identifier: GPL-3.0-or-later
// Scenario 11: --learn describes the listeners present now as an INI allow-list; fed back with -C,
// it must pass on the same host, and catch a listener that goes away.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

namespace integration {
namespace {

class LearnRoundTrip : public PortOwnerTest, public testing::WithParamInterface<std::string> {
  protected:
    // Runs the plugin with --listener-source set to this test's source.
    ProgramRun run_with_source(std::vector<std::string> arguments) {
        arguments.insert(arguments.begin(), {"--listener-source", GetParam()});
        return run_plugin(arguments);
    }

    std::filesystem::path write_file(const std::string& name, const std::string& content) {
        const auto path = temp_dir() / name;
        std::ofstream(path) << content;
        return path;
    }
};

bool has_allow_line_naming(const std::string& ini, const std::string& program) {
    const auto lines = output_lines(ini);
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
        return line.starts_with("allow") && line.find(program) != std::string::npos;
    });
}

TEST_P(LearnRoundTrip, LearnedAllowListIsOkUntilAListenerGoes) {
    auto nginx = start_holder({.executable_name = "nginx",
                               .sockets = {"tcp4/0.0.0.0:80", "tcp6/[::]:443,v6only=on"},
                               .workers = 2});
    auto avahi =
        start_holder({.executable_name = "avahi-daemon", .sockets = {"udp4/127.0.0.1:5353"}});
    auto postgres =
        start_holder({.executable_name = "postgres", .sockets = {"tcp6/[::1]:5432,v6only=on"}});

    const ProgramRun learned = run_with_source({"--learn"});
    ASSERT_EQ(learned.exit_code, 0) << describe(learned);
    ASSERT_TRUE(learned.err.empty()) << describe(learned);
    for (const std::string program : {"nginx", "avahi-daemon", "postgres"}) {
        EXPECT_TRUE(has_allow_line_naming(learned.out, program))
            << "no allow line for " << program << describe(learned);
    }
    const auto allow_list = write_file("learned.ini", learned.out);

    const ProgramRun same_host = run_with_source({"-C", allow_list.string()});
    EXPECT_TRUE(has_verdict(same_host, kOk)) << "learned allow-list:\n" << learned.out;

    postgres.stop();
    const ProgramRun postgres_gone = run_with_source({"-C", allow_list.string()});
    EXPECT_TRUE(has_verdict(postgres_gone, kCritical)) << "learned allow-list:\n" << learned.out;
    EXPECT_TRUE(first_line_contains(postgres_gone, "5432 not listening"));
}

INSTANTIATE_TEST_SUITE_P(Sources, LearnRoundTrip, testing::Values("netlink", "proc"),
                         [](const testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

}  // namespace
}  // namespace integration
