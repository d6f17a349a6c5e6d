// SPDX-License-Identifier: GPL-3.0-or-later
// --extra-opts as the Monitoring Plugins define it (docs/architecture.md, "--extra-opts"): the
// forms, the default section, the search path and its environment variables, the file's options
// placed before the command line's, repeated keys, `key=` flags, comments, and UNKNOWN for a
// missing file or section.

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

class ExtraOpts : public PortOwnerTest {
  protected:
    std::filesystem::path write_ini(const std::string& name, const std::string& text) {
        const auto path = temp_dir() / name;
        std::ofstream(path) << text;
        return path;
    }

    // The plugin with a controlled environment: the search variables only as given.
    ProgramRun run_with_environment(const std::vector<std::string>& arguments,
                                    std::optional<std::string> mp_config_file,
                                    std::optional<std::string> nagios_config_path) {
        ChildOptions options;
        options.environment["MP_CONFIG_FILE"] = std::move(mp_config_file);
        options.environment["NAGIOS_CONFIG_PATH"] = std::move(nagios_config_path);
        return run_program(kPluginPath, arguments, 60s, options);
    }
};

constexpr const char* kSections = R"(# a comment
; another comment
[check_port_owner]
port = 80=nginx

[web]
port = 80=nginx
port = 443=nginx

[wrong_owner]
port = 80=apache2
unexpected = warning

[verbose_flag]
port = 80=nginx
verbose=
)";

TEST_F(ExtraOpts, EveryFormReadsItsSection) {
    auto nginx = start_holder(
        {.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80", "tcp4/0.0.0.0:443"}});
    const auto file = write_ini("plugins.ini", kSections);

    // SECTION@FILE, and repeated keys add up: both rules are checked.
    ProgramRun run = run_plugin({"--extra-opts=web@" + file.string()});
    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_TRUE(has_perfdata(run, "rules", "2"));

    // @FILE: the default section is the plugin's name.
    run = run_plugin({"--extra-opts=@" + file.string()});
    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_TRUE(has_perfdata(run, "rules", "1"));

    // `key=` is a flag: verbose output names the listener no rule covers.
    run = run_plugin({"--extra-opts=verbose_flag@" + file.string()});
    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_NE(run.out.find("unlisted tcp/0.0.0.0:443"), std::string::npos) << describe(run);

    // Repeatable: two sections add their rules.
    run = run_plugin(
        {"--extra-opts=web@" + file.string(), "--extra-opts=check_port_owner@" + file.string()});
    EXPECT_TRUE(has_perfdata(run, "rules", "3"));
}

TEST_F(ExtraOpts, CommandLineWinsForSingleValuedOptions) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});
    const auto file = write_ini("plugins.ini", kSections);

    // The file says --unexpected=warning; the command line says critical and wins.
    ProgramRun run = run_plugin({"--extra-opts=wrong_owner@" + file.string()});
    EXPECT_TRUE(has_verdict(run, kWarning));
    run = run_plugin({"--extra-opts=wrong_owner@" + file.string(), "--unexpected", "critical"});
    EXPECT_TRUE(has_verdict(run, kCritical));
    // Rules add up: the file's 80=apache2 and the command line's 80=nginx are both checked.
    run = run_plugin({"--extra-opts=wrong_owner@" + file.string(), "-p", "80=nginx"});
    EXPECT_TRUE(has_perfdata(run, "rules", "2"));
}

TEST_F(ExtraOpts, MissingFileOrSectionIsUnknown) {
    const auto file = write_ini("plugins.ini", kSections);
    ProgramRun run = run_plugin({"--extra-opts=nosuch@" + file.string()});
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "no section [nosuch]"));
    run = run_plugin({"--extra-opts=@" + (temp_dir() / "absent.ini").string()});
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_EQ(output_lines(run.out).size(), 1u) << describe(run);
    const auto broken = write_ini("broken.ini", "[check_port_owner]\nthis line has no equals\n");
    run = run_plugin({"--extra-opts=@" + broken.string()});
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(first_line_contains(run, "broken.ini:2:"));
}

TEST_F(ExtraOpts, SearchPathHonoursTheEnvironmentInOrder) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});
    const auto by_variable = write_ini("by-variable.ini", "[check_port_owner]\nport = 80=nginx\n");
    const auto directory = temp_dir() / "config-path";
    std::filesystem::create_directory(directory);
    std::ofstream(directory / "plugins.ini") << "[check_port_owner]\nport = 80=apache2\n";

    // MP_CONFIG_FILE comes first.
    ProgramRun run = run_with_environment({"--extra-opts"}, by_variable.string(),
                                          "/nonexistent:" + directory.string());
    EXPECT_TRUE(has_verdict(run, kOk));
    // Without it, each NAGIOS_CONFIG_PATH directory is searched for plugins.ini and friends.
    run =
        run_with_environment({"--extra-opts"}, std::nullopt, "/nonexistent:" + directory.string());
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_TRUE(names_culprit(run, "nginx", nginx.pid()));
}

}  // namespace
}  // namespace integration
