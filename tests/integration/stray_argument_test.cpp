// SPDX-License-Identifier: GPL-3.0-or-later
// Bad input never narrows the check silently. An argument that is no option nor an option's value
// (`-p 8080=webd 8081=webd`, anything after `--`) would otherwise be dropped, and the port it meant
// never checked: it is an error naming the argument, from the command line or after --extra-opts.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
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

class StrayArgument : public PortOwnerTest {
  protected:
    // webd on 8080 (allowed), an intruder on 8081: a check that dropped the 8081 rule says OK.
    void SetUp() override {
        webd_ = start_holder({.executable_name = "webd", .sockets = {"tcp4/0.0.0.0:8080"}});
        intruder_ = start_holder({.executable_name = "intruder", .sockets = {"tcp4/0.0.0.0:8081"}});
    }

    std::filesystem::path write_ini(const std::string& text) {
        const auto path = temp_dir() / "plugins.ini";
        std::ofstream(path) << text;
        return path;
    }

    // UNKNOWN on one line, with the usage, naming every stray argument.
    static testing::AssertionResult refuses_naming(const ProgramRun& run,
                                                   const std::vector<std::string>& strays) {
        if (auto verdict = has_verdict(run, kUnknown); !verdict)
            return verdict;
        if (output_lines(run.out).size() != 1u)
            return testing::AssertionFailure() << "expected one line" << describe(run);
        for (const auto& stray : strays) {
            if (auto named = first_line_contains(run, "'" + stray + "'"); !named)
                return named;
        }
        return first_line_contains(run, "usage: check_port_owner");
    }

    std::optional<HolderProcess> webd_;
    std::optional<HolderProcess> intruder_;
};

TEST_F(StrayArgument, RuleWithoutItsOwnDashPIsAnError) {
    const ProgramRun run = run_plugin({"-p", "8080=webd", "8081=webd"});
    EXPECT_TRUE(refuses_naming(run, {"8081=webd"}));
}

// Two rules in one quoted argument: the second would have become part of a program name.
TEST_F(StrayArgument, TwoRulesInOneArgumentAreAnError) {
    const ProgramRun run = run_plugin({"-p", "8080=webd 8081=webd"});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "one -p per rule"));
}

TEST_F(StrayArgument, EveryStrayIsNamed) {
    const ProgramRun run = run_plugin({"8079=webd", "-p", "8080=webd", "8081=webd", "-v"});
    EXPECT_TRUE(refuses_naming(run, {"8079=webd", "8081=webd"}));
}

TEST_F(StrayArgument, ArgumentsAfterDoubleDashAreAnError) {
    const ProgramRun run = run_plugin({"-p", "8080=webd", "--", "-p", "8081=webd"});
    EXPECT_TRUE(refuses_naming(run, {"-p", "8081=webd"}));
}

// Long command lines reach the option parser in slices (it is quadratic in the number of
// arguments); a stray far down the line, or a `--`, is still seen.
TEST_F(StrayArgument, StrayAfterHundredsOfRulesIsAnError) {
    std::vector<std::string> arguments;
    for (int i = 0; i < 300; ++i)
        arguments.insert(arguments.end(), {"-p", "8080=webd"});
    auto with_stray = arguments;
    with_stray.push_back("8081=webd");
    EXPECT_TRUE(refuses_naming(run_plugin(with_stray), {"8081=webd"}));

    auto with_terminator = arguments;
    with_terminator.insert(with_terminator.end(), {"--", "-p", "8081=webd"});
    for (int i = 0; i < 300; ++i)
        with_terminator.insert(with_terminator.end(), {"-p", "8081=webd"});
    EXPECT_TRUE(refuses_naming(run_plugin(with_terminator), {"-p", "8081=webd"}));

    arguments.insert(arguments.end(), {"-p", "8081=webd"});
    const ProgramRun run = run_plugin(arguments);
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "intruder", intruder_->pid()));
}

TEST_F(StrayArgument, StrayAfterExtraOptsIsAnError) {
    const auto file = write_ini("[web]\nport = 8080=webd\n");
    const ProgramRun run = run_plugin({"--extra-opts=web@" + file.string(), "8081=webd"});
    EXPECT_TRUE(refuses_naming(run, {"8081=webd"}));
}

// The Monitoring Plugins take the next argument as --extra-opts' value when it is not an option;
// dropping it would read another section, or another file, than the one named.
TEST_F(StrayArgument, ExtraOptsTakesASeparateValue) {
    const auto file = write_ini(
        "[check_port_owner]\nport = 8080=webd\n\n[both]\nport = 8080=webd\nport = 8081=webd\n");
    const ProgramRun run = run_plugin({"--extra-opts", "both@" + file.string()});
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "intruder", intruder_->pid()));

    // Followed by an option, --extra-opts has no value: the default section of the search path.
    ChildOptions options;
    options.environment["MP_CONFIG_FILE"] = file.string();
    const ProgramRun default_section =
        run_program(kPluginPath, {"--extra-opts", "-p", "8081=webd"}, 60s, options);
    EXPECT_TRUE(has_verdict(default_section, kCritical));
    EXPECT_TRUE(names_culprit(default_section, "intruder", intruder_->pid()));
}

}  // namespace
}  // namespace integration
