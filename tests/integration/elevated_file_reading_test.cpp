// SPDX-License-Identifier: GPL-3.0-or-later
// docs/decisions.md, the caller's files (the lesson of CVE-2014-4701/4702): a plugin with
// file capabilities, or setuid root, run by an unprivileged user must read the files that user
// names with the user's own rights, refuse symlinks and anything but regular files, ignore
// MP_CONFIG_FILE and NAGIOS_CONFIG_PATH, and never print a byte of a file the user cannot read.
//
// The secrets: /etc/shadow, and a root-only file planted by the test holding a unique marker in
// every place a parser would quote (a key, a section, a value), so that a plugin which did read it
// would have every reason to echo it.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/privileged_plugin_test.hpp"
#include "harness/privileges.hpp"
#include "harness/program_run.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/core.h>

namespace integration {
namespace {

using namespace std::chrono_literals;

// How the unprivileged caller tries to make the elevated plugin read a file.
enum class Attempt {
    kConfigShadow,              // -C /etc/shadow
    kExtraOptsShadow,           // --extra-opts=@/etc/shadow
    kExtraOptsSectionShadow,    // --extra-opts=check_port_owner@/etc/shadow
    kConfigSymlinkToShadow,     // -C DIR/link, DIR searchable but not readable, link -> /etc/shadow
    kExtraOptsSymlinkToShadow,  // --extra-opts=@DIR/link
    kMpConfigFileShadow,        // MP_CONFIG_FILE=/etc/shadow --extra-opts
    kConfigMarker,              // the same with the root-only marker file
    kExtraOptsMarker,
    kExtraOptsSectionMarker,
    kConfigSymlinkToMarker,
    kMpConfigFileMarker,
    kNagiosConfigPathMarker,  // NAGIOS_CONFIG_PATH=DIR, DIR/plugins.ini is the marker file
    kConfigFifo,              // -C FIFO: must neither hang nor read
    kExtraOptsFifo,           // --extra-opts=@FIFO
    kConfigDirectory,         // -C DIR
    kExtraOptsDirectory,      // --extra-opts=@DIR
};

std::string attempt_name(Attempt attempt) {
    switch (attempt) {
        case Attempt::kConfigShadow:
            return "ConfigShadow";
        case Attempt::kExtraOptsShadow:
            return "ExtraOptsShadow";
        case Attempt::kExtraOptsSectionShadow:
            return "ExtraOptsSectionShadow";
        case Attempt::kConfigSymlinkToShadow:
            return "ConfigSymlinkToShadow";
        case Attempt::kExtraOptsSymlinkToShadow:
            return "ExtraOptsSymlinkToShadow";
        case Attempt::kMpConfigFileShadow:
            return "MpConfigFileShadow";
        case Attempt::kConfigMarker:
            return "ConfigMarker";
        case Attempt::kExtraOptsMarker:
            return "ExtraOptsMarker";
        case Attempt::kExtraOptsSectionMarker:
            return "ExtraOptsSectionMarker";
        case Attempt::kConfigSymlinkToMarker:
            return "ConfigSymlinkToMarker";
        case Attempt::kMpConfigFileMarker:
            return "MpConfigFileMarker";
        case Attempt::kNagiosConfigPathMarker:
            return "NagiosConfigPathMarker";
        case Attempt::kConfigFifo:
            return "ConfigFifo";
        case Attempt::kExtraOptsFifo:
            return "ExtraOptsFifo";
        case Attempt::kConfigDirectory:
            return "ConfigDirectory";
        case Attempt::kExtraOptsDirectory:
            return "ExtraOptsDirectory";
    }
    return "Unknown";
}

void PrintTo(Attempt attempt, std::ostream* out) {
    *out << attempt_name(attempt);
}

// The environment variables only redirect the search; ignoring them (and then finding no file, or
// an unrelated system-wide one) is as good as refusing.
bool names_the_file_through_the_environment(Attempt attempt) {
    return attempt == Attempt::kMpConfigFileShadow || attempt == Attempt::kMpConfigFileMarker ||
           attempt == Attempt::kNagiosConfigPathMarker;
}

// Strings that must never appear in the output: every line of the real /etc/shadow and every real
// password hash in it (placeholders such as '*' and '!' are too short to mean anything).
std::vector<std::string> shadow_secrets() {
    std::vector<std::string> secrets;
    std::istringstream lines(read_whole_file("/etc/shadow"));
    for (std::string line; std::getline(lines, line);) {
        if (line.empty())
            continue;
        secrets.push_back(line);
        const auto first = line.find(':');
        const auto second = line.find(':', first + 1);
        if (first != std::string::npos && second != std::string::npos && second - first - 1 >= 4) {
            secrets.push_back(line.substr(first + 1, second - first - 1));
        }
    }
    return secrets;
}

std::string unique_marker() {
    std::random_device entropy;
    return fmt::format("PortOwnerSecret{:08x}{:08x}", entropy(), entropy());
}

// A file in INI form whose every part carries the marker: read by a parser, it fails on an unknown
// key (-C) or an unknown option (--extra-opts, default section check_port_owner), and the natural
// error message would quote it.
std::string marker_file_content(const std::string& marker) {
    return fmt::format(
        "{0}_key = {0}_value\n"
        "[check_port_owner]\n"
        "{0}_option = {0}_value\n"
        "[{0}_section]\n"
        "port = {0}_port\n",
        marker);
}

testing::AssertionResult reveals_nothing(const ProgramRun& run,
                                         const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        for (const auto& [stream, text] : {std::pair{"stdout", &run.out}, {"stderr", &run.err}}) {
            if (text->find(secret) != std::string::npos) {
                return testing::AssertionFailure()
                       << stream << " contains '" << secret
                       << "', file content an elevated plugin must not print" << describe(run);
            }
        }
    }
    return testing::AssertionSuccess();
}

class ElevatedFileReading : public PrivilegedPluginTest {
  protected:
    void SetUp() override {
        PrivilegedPluginTest::SetUp();
        marker_ = unique_marker();

        // Searchable by everyone, readable (listable) by root only.
        secret_dir_ = temp_dir() / "secret";
        std::filesystem::create_directory(secret_dir_);
        set_mode(secret_dir_, 0711);
        marker_file_ = secret_dir_ / "marker.ini";
        write_root_only_file(marker_file_, marker_file_content(marker_));
        write_root_only_file(secret_dir_ / "plugins.ini", marker_file_content(marker_));
        std::filesystem::create_symlink("/etc/shadow", secret_dir_ / "shadow-link");
        std::filesystem::create_symlink(marker_file_, secret_dir_ / "marker-link");

        fifo_ = temp_dir() / "fifo";
        ASSERT_EQ(mkfifo(fifo_.c_str(), 0666), 0) << "mkfifo " << fifo_;
        set_mode(fifo_, 0666);
        directory_ = temp_dir() / "conf.d";
        std::filesystem::create_directory(directory_);
        set_mode(directory_, 0755);
    }

    static void write_root_only_file(const std::filesystem::path& path,
                                     const std::string& content) {
        {
            std::ofstream file(path);
            file << content;
        }
        set_mode(path, 0600);
        ASSERT_EQ(chown(path.c_str(), 0, 0), 0);
    }

    std::vector<std::string> secrets() const {
        std::vector<std::string> all = shadow_secrets();
        all.push_back(marker_);
        return all;
    }

    struct Invocation {
        std::vector<std::string> arguments;
        std::map<std::string, std::optional<std::string>> environment;
    };

    Invocation invocation(Attempt attempt) const {
        // A rule that needs no listener, for the cases where the file is (rightly) ignored.
        const std::vector<std::string> rule{"-p", "80=user:root"};
        const auto with_rule = [&](std::vector<std::string> arguments) {
            arguments.insert(arguments.end(), rule.begin(), rule.end());
            return arguments;
        };
        const std::string marker = marker_file_.string();
        const std::string marker_link = (secret_dir_ / "marker-link").string();
        const std::string shadow_link = (secret_dir_ / "shadow-link").string();
        switch (attempt) {
            case Attempt::kConfigShadow:
                return {with_rule({"-C", "/etc/shadow"}), {}};
            case Attempt::kExtraOptsShadow:
                return {with_rule({"--extra-opts=@/etc/shadow"}), {}};
            case Attempt::kExtraOptsSectionShadow:
                return {with_rule({"--extra-opts=check_port_owner@/etc/shadow"}), {}};
            case Attempt::kConfigSymlinkToShadow:
                return {with_rule({"-C", shadow_link}), {}};
            case Attempt::kExtraOptsSymlinkToShadow:
                return {with_rule({"--extra-opts=@" + shadow_link}), {}};
            case Attempt::kMpConfigFileShadow:
                return {with_rule({"--extra-opts"}), {{"MP_CONFIG_FILE", "/etc/shadow"}}};
            case Attempt::kConfigMarker:
                return {with_rule({"-C", marker}), {}};
            case Attempt::kExtraOptsMarker:
                return {with_rule({"--extra-opts=@" + marker}), {}};
            case Attempt::kExtraOptsSectionMarker:
                return {with_rule({"--extra-opts=check_port_owner@" + marker}), {}};
            case Attempt::kConfigSymlinkToMarker:
                return {with_rule({"-C", marker_link}), {}};
            case Attempt::kMpConfigFileMarker:
                return {with_rule({"--extra-opts"}), {{"MP_CONFIG_FILE", marker}}};
            case Attempt::kNagiosConfigPathMarker:
                return {with_rule({"--extra-opts"}),
                        {{"NAGIOS_CONFIG_PATH", secret_dir_.string()}}};
            case Attempt::kConfigFifo:
                return {with_rule({"-C", fifo_.string()}), {}};
            case Attempt::kExtraOptsFifo:
                return {with_rule({"--extra-opts=@" + fifo_.string()}), {}};
            case Attempt::kConfigDirectory:
                return {with_rule({"-C", directory_.string()}), {}};
            case Attempt::kExtraOptsDirectory:
                return {with_rule({"--extra-opts=@" + directory_.string()}), {}};
        }
        return {};
    }

    std::string marker_;
    std::filesystem::path secret_dir_;
    std::filesystem::path marker_file_;
    std::filesystem::path fifo_;
    std::filesystem::path directory_;
};

class ElevatedFileAttempt : public ElevatedFileReading,
                            public testing::WithParamInterface<std::tuple<PluginInstall, Attempt>> {
};

TEST_P(ElevatedFileAttempt, RefusesAndRevealsNothing) {
    const auto [install, attempt] = GetParam();
    const auto [arguments, environment] = invocation(attempt);

    const auto started = std::chrono::steady_clock::now();
    // Bounded: a plugin that opened the FIFO for reading would block for ever.
    const ProgramRun run =
        run_program(plugin(install), arguments, 20s,
                    ChildOptions{.run_as = nobody_identity(), .environment = environment});
    const auto took = std::chrono::steady_clock::now() - started;

    ASSERT_FALSE(run.timed_out) << "the plugin hung" << describe(run);
    EXPECT_TRUE(reveals_nothing(run, secrets()));
    EXPECT_TRUE(run.err.empty()) << describe(run);
    if (names_the_file_through_the_environment(attempt)) {
        // Ignored when elevated: whatever it answers, it answers as a plugin.
        ASSERT_TRUE(run.exit_code.has_value()) << describe(run);
        EXPECT_LE(*run.exit_code, 3) << describe(run);
        EXPECT_FALSE(state_word(run.out).empty()) << describe(run);
    } else {
        EXPECT_TRUE(has_verdict(run, kUnknown));
        EXPECT_EQ(output_lines(run.out).size(), 1u) << describe(run);
    }
    EXPECT_LT(took, 10s) << "refusing a file should be immediate" << describe(run);
}

std::string attempt_test_name(
    const testing::TestParamInfo<std::tuple<PluginInstall, Attempt>>& info) {
    const auto [install, attempt] = info.param;
    return std::string(install == PluginInstall::kFileCapabilities ? "Capabilities"
                                                                   : "SetuidRoot") +
           "_" + attempt_name(attempt);
}

INSTANTIATE_TEST_SUITE_P(
    Attempts, ElevatedFileAttempt,
    testing::Combine(testing::Values(PluginInstall::kFileCapabilities, PluginInstall::kSetuidRoot),
                     testing::Values(Attempt::kConfigShadow, Attempt::kExtraOptsShadow,
                                     Attempt::kExtraOptsSectionShadow,
                                     Attempt::kConfigSymlinkToShadow,
                                     Attempt::kExtraOptsSymlinkToShadow,
                                     Attempt::kMpConfigFileShadow, Attempt::kConfigMarker,
                                     Attempt::kExtraOptsMarker, Attempt::kExtraOptsSectionMarker,
                                     Attempt::kConfigSymlinkToMarker, Attempt::kMpConfigFileMarker,
                                     Attempt::kNagiosConfigPathMarker, Attempt::kConfigFifo,
                                     Attempt::kExtraOptsFifo, Attempt::kConfigDirectory,
                                     Attempt::kExtraOptsDirectory)),
    attempt_test_name);

class ElevatedReadableFiles : public ElevatedFileReading,
                              public testing::WithParamInterface<PluginInstall> {
  protected:
    // A file the caller may read: world-readable, in a world-readable directory.
    std::filesystem::path readable_file(const std::string& name, const std::string& content) {
        const auto path = temp_dir() / name;
        {
            std::ofstream file(path);
            file << content;
        }
        set_mode(path, 0644);
        return path;
    }
};

// The positive control: refusing everything would pass the tests above. Files the caller can read
// are read (and their errors may quote them: the caller could read them anyway).
TEST_P(ElevatedReadableFiles, FilesTheCallerCanReadAreRead) {
    auto nginx = start_holder({.executable_name = "nginx", .sockets = {"tcp4/0.0.0.0:80"}});
    const auto allow_list = readable_file("allow.ini", "[tcp/80]\nallow = nginx\n");
    const auto extra_opts = readable_file("extra.ini", "[check_port_owner]\nport = 80=nginx\n");

    const ProgramRun config = run_as_nobody(plugin(GetParam()), {"-C", allow_list.string()});
    EXPECT_TRUE(has_verdict(config, kOk));

    const ProgramRun extra =
        run_as_nobody(plugin(GetParam()), {"--extra-opts=@" + extra_opts.string()});
    EXPECT_TRUE(has_verdict(extra, kOk));
}

// O_NOFOLLOW: when elevated, a symlink is refused even if its target is readable by the caller.
TEST_P(ElevatedReadableFiles, SymlinkIsRefusedEvenToAReadableFile) {
    const auto allow_list = readable_file("allow.ini", "[tcp/80]\nallow = user:root\n");
    const auto link = temp_dir() / "allow-link.ini";
    std::filesystem::create_symlink(allow_list, link);

    const ProgramRun run = run_as_nobody(plugin(GetParam()), {"-C", link.string()});

    EXPECT_TRUE(has_verdict(run, kUnknown));
}

// "Never echo file content in errors when elevated" (the CVE-2014-4701 lesson): even for a
// file the caller may read, an elevated plugin's error names the file and line, not its text.
TEST_P(ElevatedReadableFiles, AllowListErrorDoesNotQuoteTheFile) {
    const std::string marker = unique_marker();
    const auto allow_list = readable_file("bad.ini", marker_file_content(marker));

    const ProgramRun run = run_as_nobody(plugin(GetParam()), {"-C", allow_list.string()});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(reveals_nothing(run, {marker}));
}

TEST_P(ElevatedReadableFiles, ExtraOptsUnknownOptionErrorDoesNotQuoteTheFile) {
    const std::string marker = unique_marker();
    const auto extra_opts = readable_file("bad-option.ini", marker_file_content(marker));

    const ProgramRun run =
        run_as_nobody(plugin(GetParam()), {"--extra-opts=@" + extra_opts.string()});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(reveals_nothing(run, {marker}));
}

TEST_P(ElevatedReadableFiles, ExtraOptsBadValueErrorDoesNotQuoteTheFile) {
    const std::string marker = unique_marker();
    const auto extra_opts =
        readable_file("bad-value.ini", fmt::format("[check_port_owner]\nport = {}\n", marker));

    const ProgramRun run =
        run_as_nobody(plugin(GetParam()), {"--extra-opts=@" + extra_opts.string()});

    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_TRUE(reveals_nothing(run, {marker}));
}

INSTANTIATE_TEST_SUITE_P(Installs, ElevatedReadableFiles,
                         testing::Values(PluginInstall::kFileCapabilities,
                                         PluginInstall::kSetuidRoot),
                         [](const testing::TestParamInfo<PluginInstall>& info) {
                             return std::string(install_name(info.param));
                         });

// The detector itself: a stand-in that prints the files it is given (cat, run as root) must be
// caught by reveals_nothing, for /etc/shadow and for the marker file. Otherwise the tests above
// could pass for a plugin that leaks.
TEST_F(ElevatedFileReading, LeakDetectorCatchesAStandInThatPrintsTheFiles) {
    const ProgramRun leak = run_program("/bin/cat", {"/etc/shadow", marker_file_.string()}, 20s);
    ASSERT_EQ(leak.exit_code, 0) << describe(leak);
    EXPECT_FALSE(reveals_nothing(leak, shadow_secrets()));
    EXPECT_FALSE(reveals_nothing(leak, {marker_}));
}

}  // namespace
}  // namespace integration
