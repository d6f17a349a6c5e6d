// SPDX-License-Identifier: GPL-3.0-or-later
// The standard plugin options (docs/architecture.md, the contract): --help, --version, -v and
// a wrong option, each with the exit code and the stream discipline the engines rely on.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace integration {
namespace {

using StandardOptions = PortOwnerTest;

TEST_F(StandardOptions, HelpFitsEightyColumnsNamesEveryOptionAndExitsUnknown) {
    for (const std::string flag : {"-h", "--help"}) {
        SCOPED_TRACE(flag);
        const ProgramRun run = run_plugin({flag});
        ASSERT_EQ(run.exit_code, 3) << describe(run);
        EXPECT_TRUE(run.err.empty()) << describe(run);
        for (const auto& line : output_lines(run.out)) {
            EXPECT_LE(line.size(), 80u) << "too wide: " << line;
        }
        for (const std::string expected :
             {"--port", "--config", "--missing", "--unexpected", "--unattributed", "--warning",
              "--critical", "--ignore", "--learn", "--all-holders", "--listener-source",
              "--timeout", "--verbose", "--extra-opts", "--help", "--version",
              // the states and the allow-entry kinds
              "ok, warning, critical or unknown", "exe:PATH", "name:COMM", "user:NAME|UID",
              "unit:UNIT", "cmdline:REGEX", "NAME"}) {
            EXPECT_NE(run.out.find(expected), std::string::npos) << "help lacks " << expected;
        }
    }
}

TEST_F(StandardOptions, VersionIsOneLineAndExitsUnknown) {
    for (const std::string flag : {"-V", "--version"}) {
        SCOPED_TRACE(flag);
        const ProgramRun run = run_plugin({flag});
        EXPECT_EQ(run.exit_code, 3) << describe(run);
        EXPECT_TRUE(run.err.empty()) << describe(run);
        ASSERT_EQ(output_lines(run.out).size(), 1u) << describe(run);
        EXPECT_TRUE(run.out.starts_with("check_port_owner v")) << describe(run);
    }
}

TEST_F(StandardOptions, WrongOptionGivesOneUnknownLineWithAShortUsage) {
    for (const std::vector<std::string>& arguments : {std::vector<std::string>{"--no-such-option"},
                                                      {"-p", "80", "-x"},
                                                      {"-t"},
                                                      {"-t", "0", "-p", "80"},
                                                      {"-t", "abc", "-p", "80"},
                                                      {"--missing", "sometimes", "-p", "80"},
                                                      {"--listener-source", "kernel", "-p", "80"},
                                                      {"stray-positional"}}) {
        SCOPED_TRACE(arguments.front());
        const ProgramRun run = run_plugin(arguments);
        EXPECT_TRUE(has_verdict(run, kUnknown));
        EXPECT_EQ(output_lines(run.out).size(), 1u) << describe(run);
    }
    const ProgramRun run = run_plugin({"--no-such-option"});
    EXPECT_TRUE(first_line_contains(run, "usage: check_port_owner"));
}

// -t takes whole seconds from 1 to 3600, digits only: a sign, a blank, a suffix, a hex prefix or
// a number beyond `unsigned` is refused, never read as some other number of seconds.
TEST_F(StandardOptions, TimeoutIsWholeSecondsFromOneTo3600) {
    for (const std::string bad : {"0", "3601", "+5", " 5", "5 ", "5x", "0x5", "5.0", "4294967297",
                                  "99999999999999999999"}) {
        SCOPED_TRACE("'" + bad + "'");
        const ProgramRun run = run_plugin({"-t", bad, "-p", "80"});
        EXPECT_TRUE(has_verdict(run, kUnknown));
        EXPECT_TRUE(first_line_contains(run, "invalid timeout '" + bad + "'")) << describe(run);
    }
    for (const std::string good : {"1", "3600", "007"}) {
        SCOPED_TRACE(good);
        const ProgramRun run = run_plugin({"-t", good, "-p", "80"});
        EXPECT_FALSE(first_line_contains(run, "invalid timeout")) << describe(run);
    }
}

TEST_F(StandardOptions, VerbosityAddsDetailButKeepsTheVerdict) {
    auto nginx =
        start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}, .workers = 2});
    auto other = start_holder({.executable_name = "sshd", .sockets = {"tcp4/0.0.0.0:22"}});
    struct Level {
        std::string flag;
        bool command_line_shown;  // -v: parent pid, comm and command line of each holder
        bool unlisted_shown;      // -v: the listeners no rule covers
        bool every_holder_shown;  // -vv: all holders instead of the first and a count
    };
    for (const auto& [flag, command_line_shown, unlisted_shown, every_holder_shown] :
         std::vector<Level>{{"", false, false, false},
                            {"-v", true, true, false},
                            {"-vv", true, true, true},
                            {"-vvv", true, true, true}}) {
        SCOPED_TRACE(flag);
        std::vector<std::string> arguments{"--all-holders", "-p", "80=nginx"};
        if (!flag.empty()) {
            arguments.push_back(flag);
        }
        const ProgramRun run = run_plugin(arguments);
        EXPECT_TRUE(has_verdict(run, kOk));
        EXPECT_EQ(run.out.find(" cmdline '") != std::string::npos, command_line_shown)
            << describe(run);
        EXPECT_EQ(run.out.find("unlisted tcp/0.0.0.0:22") != std::string::npos, unlisted_shown)
            << describe(run);
        EXPECT_EQ(run.out.find("(+2 more)") == std::string::npos, every_holder_shown)
            << describe(run);
        for (const pid_t worker : nginx.worker_pids()) {
            EXPECT_EQ(run.out.find("pid " + std::to_string(worker)) != std::string::npos,
                      every_holder_shown)
                << describe(run);
        }
    }
}

}  // namespace
}  // namespace integration
