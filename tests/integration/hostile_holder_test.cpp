// SPDX-License-Identifier: GPL-3.0-or-later
// Hostile text (docs/architecture.md): a process's comm, command line, executable path are chosen
// by whoever starts it. Whatever bytes they hold ('|', '=', quotes, newlines, CR, invalid UTF-8,
// kilobytes), the plugin must give the same state and the same number of output lines as for a
// benign holder, keep the only '|' on line 1 before the perfdata, never print a CR, print valid
// UTF-8 only, and keep its perfdata parseable: otherwise a process could forge a state, a line or a
// metric in Nagios or Icinga 2.

#include "common/utf8_check.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_output.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_owner_test.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace integration {
namespace {

using namespace std::string_literals;

// Every kind of byte the contract names: the perfdata separator and '=', a quote, newline, CR,
// invalid UTF-8 (0xff, 0xfe, and a truncated two-byte sequence), a backslash.
const std::string kHostile = "a|b=c'd\ne\rf\xff\xfeg\\h\xc3(";
// A forged second line and forged perfdata, for names and command lines.
// (No '/': it also serves as a file name.)
const std::string kForgedLine = "x\nCRITICAL tcp 81 forged| forged=1;;;0";

enum class Hostility {
    kComm,
    kCommandLine,
    kLongCommandLine,
    kExeNamePipeEquals,
    kExeNameQuote,
    kExeNameNewline,
    kExeNameCarriageReturn,
    kExeNameInvalidUtf8,
    kExeNameForgedLine,
    kExePathWithSpaces,
    kDeletedExe,
    kExeNameSpoofsDeleted,
    kEverything,
};

std::string hostility_name(Hostility hostility) {
    switch (hostility) {
        case Hostility::kComm:
            return "Comm";
        case Hostility::kCommandLine:
            return "CommandLine";
        case Hostility::kLongCommandLine:
            return "LongCommandLine";
        case Hostility::kExeNamePipeEquals:
            return "ExeNamePipeEquals";
        case Hostility::kExeNameQuote:
            return "ExeNameQuote";
        case Hostility::kExeNameNewline:
            return "ExeNameNewline";
        case Hostility::kExeNameCarriageReturn:
            return "ExeNameCarriageReturn";
        case Hostility::kExeNameInvalidUtf8:
            return "ExeNameInvalidUtf8";
        case Hostility::kExeNameForgedLine:
            return "ExeNameForgedLine";
        case Hostility::kExePathWithSpaces:
            return "ExePathWithSpaces";
        case Hostility::kDeletedExe:
            return "DeletedExe";
        case Hostility::kExeNameSpoofsDeleted:
            return "ExeNameSpoofsDeleted";
        case Hostility::kEverything:
            return "Everything";
    }
    return "Unknown";
}

void PrintTo(Hostility hostility, std::ostream* out) {
    *out << hostility_name(hostility);
}

// The 4 KiB command-line argument: hostile bytes over and over, so that escaping multiplies its
// length and only a cap keeps the output within the engines' limits.
std::string long_hostile_argument() {
    std::string text;
    while (text.size() < 4096)
        text += kHostile;
    text.resize(4096);
    return text;
}

// The escaping the contract asks for, for the texts used here (none of which holds a valid
// multi-byte UTF-8 sequence, so every byte >= 0x80 is invalid): '|', '<', '>', control bytes and
// invalid UTF-8 as \xNN, backslash doubled.
std::string escaped(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '|' || c == '<' || c == '>' || byte < 0x20 || byte == 0x7f ||
                   byte >= 0x80) {
            out += fmt::format("\\x{:02x}", byte);
        } else {
            out += c;
        }
    }
    return out;
}

using test_common::is_valid_utf8;

// Line 1's perfdata, item by item, in the contract's grammar; returns the labels.
std::set<std::string> perfdata_labels(const std::string& line, std::string& problem) {
    static const std::regex kItem(R"('?([a-z0-9_]+)'?=-?[0-9]+(\.[0-9]+)?(s)?(;[0-9.]*){0,4})");
    std::set<std::string> labels;
    const auto bar = line.find('|');
    if (bar == std::string::npos) {
        problem = "no perfdata";
        return labels;
    }
    std::istringstream items(line.substr(bar + 1));
    for (std::string item; items >> item;) {
        std::smatch match;
        if (!std::regex_match(item, match, kItem)) {
            problem = "perfdata item '" + item + "' does not parse";
            return labels;
        }
        if (!labels.insert(match[1]).second) {
            problem = "perfdata label '" + match[1].str() + "' twice";
            return labels;
        }
    }
    return labels;
}

// The layout both engines read the same way, whatever the holder's names held.
testing::AssertionResult keeps_the_layout(const ProgramRun& run) {
    const std::string& out = run.out;
    const auto bars = std::count(out.begin(), out.end(), '|');
    const std::string line1 = first_line(out);
    std::string problem;
    if (!run.err.empty()) {
        problem = "stderr is not empty";
    } else if (bars != 1 || line1.find('|') == std::string::npos) {
        problem = fmt::format("{} '|' in the output; expected exactly one, on line 1", bars);
    } else if (out.find('\r') != std::string::npos) {
        problem = "a CR in the output";
    } else if (out.find('\0') != std::string::npos) {
        problem = "a NUL byte in the output";
    } else if (!is_valid_utf8(out)) {
        problem = "the output is not valid UTF-8";
    } else if (line1.size() >= 1024) {
        problem = fmt::format("line 1 is {} bytes, not under 1 KiB", line1.size());
    } else if (out.size() >= 8192) {
        problem = fmt::format("the output is {} bytes, not under 8 KiB", out.size());
    } else {
        perfdata_labels(line1, problem);
    }
    if (!problem.empty())
        return testing::AssertionFailure() << problem << describe(run);
    return testing::AssertionSuccess();
}

std::string read_proc(pid_t pid, const std::string& entry) {
    std::ifstream file(fmt::format("/proc/{}/{}", pid, entry), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
}

struct Scenario {
    std::vector<std::string> arguments;
    std::string label;
};

// Allowed and not allowed, plain and verbose (-v prints comm and command line).
std::vector<Scenario> scenarios(const std::string& allowed_rule) {
    std::vector<Scenario> all;
    for (const auto& [rule, rule_label] :
         {std::pair{allowed_rule, "allowed"s}, {"80=apache2"s, "not allowed"s}}) {
        for (const auto& verbosity : {""s, "-v"s, "-vvv"s}) {
            Scenario scenario{{}, rule_label + (verbosity.empty() ? "" : " " + verbosity)};
            if (!verbosity.empty())
                scenario.arguments.push_back(verbosity);
            scenario.arguments.insert(scenario.arguments.end(), {"-p", rule});
            all.push_back(std::move(scenario));
        }
    }
    return all;
}

class HostileHolder : public PortOwnerTest, public testing::WithParamInterface<Hostility> {
  protected:
    struct Hostile {
        HolderProcess holder;
        std::string allowed_rule;
        // Escaped texts the output must show: in line 1 when not allowed ("held by NAME (pid"),
        // anywhere with -v.
        std::string culprit_name;
        std::vector<std::string> verbose_texts;
    };

    HolderOptions on_port_80(const std::string& executable_name) {
        return {.executable_name = executable_name, .sockets = {"tcp4/0.0.0.0:80"}};
    }

    // An executable name to be allowed by path, whatever characters it holds.
    std::string exe_glob() const { return "80=exe:" + temp_dir().string() + "/*"; }

    Hostile start_hostile(Hostility hostility) {
        switch (hostility) {
            case Hostility::kComm: {
                auto options = on_port_80("nginx");
                options.comm = kHostile;
                auto holder = start_holder(options);
                // The kernel keeps 15 bytes.
                std::string comm = read_proc(holder.pid(), "comm");
                if (comm.ends_with('\n'))
                    comm.pop_back();
                EXPECT_EQ(comm, kHostile.substr(0, 15)) << "the holder did not set its comm";
                return {std::move(holder), "80=nginx", "nginx", {"comm " + escaped(comm)}};
            }
            case Hostility::kCommandLine: {
                auto options = on_port_80("nginx");
                options.argv_padding = {kHostile, kForgedLine};
                auto holder = start_holder(options);
                EXPECT_NE(read_proc(holder.pid(), "cmdline").find(kForgedLine), std::string::npos)
                    << "the hostile arguments are not in the command line";
                // The command line may be capped after the first of them.
                return {std::move(holder), "80=nginx", "nginx", {escaped(kHostile)}};
            }
            case Hostility::kLongCommandLine: {
                auto options = on_port_80("nginx");
                const std::string argument = long_hostile_argument();
                options.argv_padding = {argument};
                auto holder = start_holder(options);
                EXPECT_GT(read_proc(holder.pid(), "cmdline").size(), 4096u);
                // Capped, but its start is shown.
                return {std::move(holder), "80=nginx", "nginx", {escaped(argument.substr(0, 32))}};
            }
            case Hostility::kExeNamePipeEquals:
                return exe_named("nginx|x=y");
            case Hostility::kExeNameQuote:
                return exe_named("nginx'quote\"double");
            case Hostility::kExeNameNewline:
                return exe_named("nginx\nnewline");
            case Hostility::kExeNameCarriageReturn:
                return exe_named("nginx\rcr");
            case Hostility::kExeNameInvalidUtf8:
                return exe_named("nginx\xff\xfe\xc3(");
            case Hostility::kExeNameForgedLine:
                return exe_named(kForgedLine);
            case Hostility::kExePathWithSpaces: {
                const auto directory = temp_dir() / "dir with spaces";
                std::filesystem::create_directory(directory);
                HolderExecutables spaced(directory);
                auto holder = HolderProcess(spaced.path_for("my nginx"), on_port_80("my nginx"),
                                            temp_dir() / "spaced.stderr");
                return {std::move(holder),
                        "80=exe:" + directory.string() + "/*",
                        "my nginx",
                        {"exe " + directory.string() + "/my nginx"}};
            }
            case Hostility::kDeletedExe: {
                auto holder = start_holder(on_port_80("nginx-old"));
                std::filesystem::remove(executables().path_for("nginx-old"));
                EXPECT_NE(std::filesystem::read_symlink(fmt::format("/proc/{}/exe", holder.pid()))
                              .string()
                              .find(" (deleted)"),
                          std::string::npos);
                // A package upgrade leaves exactly this; the name still matches, and it is flagged.
                return {std::move(holder), "80=nginx-old", "nginx-old", {"(deleted)"}};
            }
            case Hostility::kExeNameSpoofsDeleted:
                // A file really named so, not deleted: its name is the whole file name.
                return exe_named("nginx (deleted)");
            case Hostility::kEverything: {
                auto options = on_port_80(kHostile);
                options.comm = kHostile;
                options.argv_padding = {kForgedLine, long_hostile_argument()};
                auto holder = start_holder(options);
                return {std::move(holder),
                        exe_glob(),
                        kHostile,
                        {"comm " + escaped(kHostile.substr(0, 15))}};
            }
        }
        throw std::logic_error("unknown hostility");
    }

    Hostile exe_named(const std::string& name) {
        auto holder = start_holder(on_port_80(name));
        EXPECT_EQ(std::filesystem::read_symlink(fmt::format("/proc/{}/exe", holder.pid())),
                  temp_dir() / name);
        return {
            std::move(holder), exe_glob(), name, {"exe " + escaped((temp_dir() / name).string())}};
    }
};

TEST_P(HostileHolder, SameStateAndLinesAsABenignHolder) {
    // The reference: the same scenarios with a benign holder on the same port.
    std::vector<ProgramRun> benign_runs;
    {
        auto benign = start_holder(on_port_80("nginx"));
        for (const auto& scenario : scenarios("80=nginx")) {
            benign_runs.push_back(run_plugin(scenario.arguments));
            ASSERT_TRUE(keeps_the_layout(benign_runs.back()));
        }
        ASSERT_TRUE(has_verdict(benign_runs.front(), kOk));
        ASSERT_TRUE(has_verdict(benign_runs.back(), kCritical));
    }

    Hostile hostile = start_hostile(GetParam());
    const auto hostile_scenarios = scenarios(hostile.allowed_rule);
    for (std::size_t i = 0; i < hostile_scenarios.size(); ++i) {
        SCOPED_TRACE(hostile_scenarios[i].label);
        const ProgramRun run = run_plugin(hostile_scenarios[i].arguments);
        const ProgramRun& benign = benign_runs[i];

        EXPECT_TRUE(keeps_the_layout(run));
        EXPECT_EQ(run.exit_code, benign.exit_code)
            << "--- benign:" << describe(benign) << "--- hostile:" << describe(run);
        EXPECT_EQ(state_word(run.out), state_word(benign.out)) << describe(run);
        EXPECT_EQ(output_lines(run.out).size(), output_lines(benign.out).size())
            << "--- benign:" << describe(benign) << "--- hostile:" << describe(run);
        std::string ignored;
        EXPECT_EQ(perfdata_labels(first_line(run.out), ignored),
                  perfdata_labels(first_line(benign.out), ignored))
            << describe(run);

        const bool verbose = hostile_scenarios[i].arguments.front().starts_with("-v");
        const bool allowed = hostile_scenarios[i].label.starts_with("allowed");
        if (!allowed) {
            // Identified, and named (escaped) as the culprit.
            EXPECT_TRUE(names_culprit(run, escaped(hostile.culprit_name), hostile.holder.pid()));
        }
        if (verbose) {
            for (const auto& text : hostile.verbose_texts) {
                EXPECT_NE(run.out.find(text), std::string::npos)
                    << "expected -v to show '" << text << "'" << describe(run);
            }
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Holders, HostileHolder,
    testing::Values(Hostility::kComm, Hostility::kCommandLine, Hostility::kLongCommandLine,
                    Hostility::kExeNamePipeEquals, Hostility::kExeNameQuote,
                    Hostility::kExeNameNewline, Hostility::kExeNameCarriageReturn,
                    Hostility::kExeNameInvalidUtf8, Hostility::kExeNameForgedLine,
                    Hostility::kExePathWithSpaces, Hostility::kDeletedExe,
                    Hostility::kExeNameSpoofsDeleted, Hostility::kEverything),
    [](const testing::TestParamInfo<Hostility>& info) { return hostility_name(info.param); });

}  // namespace
}  // namespace integration
