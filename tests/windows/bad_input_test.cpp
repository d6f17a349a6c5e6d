// SPDX-License-Identifier: GPL-3.0-or-later
// Bad input on Windows, as on Linux: one line, UNKNOWN, exit 3, nothing on stderr.

#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/temp_dir.hpp"
#include "harness/wide_text.hpp"
#include "integration/harness/plugin_output.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace windows_tests {
namespace {

struct BadInput {
    std::string name;
    std::vector<std::string> arguments;
};

class BadInputs : public testing::TestWithParam<BadInput> {};

TEST_P(BadInputs, AnswerUnknownInOneLine) {
    const auto run = run_plugin(GetParam().arguments);
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_EQ(integration::output_lines(run.output).size(), 1u) << run;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadInputs,
    testing::Values(BadInput{"port_not_a_number", {"-p", "http=inetinfo"}},
                    BadInput{"port_too_large", {"-p", "65536=inetinfo"}},
                    BadInput{"unknown_protocol", {"-p", "sctp/80=inetinfo"}},
                    BadInput{"unclosed_ipv6_bracket", {"-p", "tcp6/[::1:80=inetinfo"}},
                    BadInput{"empty_allow_entry", {"-p", "80="}},
                    BadInput{"unknown_allow_kind", {"-p", "80=color:red"}},
                    BadInput{"bad_regex", {"-p", "80=cmdline:("}},
                    BadInput{"exe_relative_path", {"-p", "80=exe:rogue.exe"}},
                    BadInput{"unknown_option", {"--no-such-option"}},
                    BadInput{"timeout_not_a_number", {"-t", "soon", "-p", "80"}},
                    BadInput{"missing_allow_list_file",
                             {"-C", "Z:\\no\\such\\directory\\allow.ini"}},
                    BadInput{"bad_state", {"--missing", "maybe", "-p", "80"}},
                    BadInput{"bad_range", {"-w", "ten", "-p", "80"}}),
    [](const auto& info) { return info.param.name; });

// A file that exists but holds nonsense: the error names the file and the line, still in one
// line.
TEST(BadInputFile, NamesTheFileInOneLine) {
    TempDir directory;
    const auto file = directory.write(L"allow.ini", "[tcp/80]\r\nallow = \r\n");
    const auto run = run_plugin({"-C", narrow(file)});
    EXPECT_TRUE(has_verdict(run, kUnknown));
    EXPECT_EQ(integration::output_lines(run.output).size(), 1u) << run;
    EXPECT_TRUE(first_line_contains(run, "allow.ini"));
}

}  // namespace
}  // namespace windows_tests
