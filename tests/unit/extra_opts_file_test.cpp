// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/extra_opts_file.hpp"
#include "core/input_error.hpp"

namespace port_owner {
namespace {

using Arguments = std::vector<std::string>;

TEST(ExtraOptsFile, SectionBecomesLongOptionsInFileOrder) {
    const auto text =
        "# comment\n"
        "; comment too\n"
        "[other]\n"
        "port = 1\n"
        "[check_port_owner]\n"
        "  port = 80=nginx  \n"
        "port=443=nginx\n"
        "verbose =\n"
        "all-holders=\n"
        "\n"
        "[check_port_owner]\n"
        "timeout = 5\n";
    const auto arguments = extra_opts_arguments(text, "check_port_owner", "f.ini");
    ASSERT_TRUE(arguments);
    EXPECT_EQ(*arguments, (Arguments{"--port=80=nginx", "--port=443=nginx", "--verbose",
                                     "--all-holders", "--timeout=5"}));
}

TEST(ExtraOptsFile, ByteOrderMarkIsNotPartOfTheFirstLine) {
    const auto arguments = extra_opts_arguments("\xEF\xBB\xBF[check_port_owner]\r\nport = 80\r\n",
                                                "check_port_owner", "f.ini");
    ASSERT_TRUE(arguments);
    EXPECT_EQ(*arguments, (Arguments{"--port=80"}));
    EXPECT_THROW(extra_opts_arguments("\xFF\xFE[\0", "check_port_owner", "f.ini"), InputError);
}

TEST(ExtraOptsFile, AbsentSectionIsNulloptAndEmptySectionIsEmpty) {
    EXPECT_FALSE(extra_opts_arguments("[a]\nx = 1\n", "b", "f.ini"));
    const auto empty = extra_opts_arguments("[b]\n# nothing\n", "b", "f.ini");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(ExtraOptsFile, MalformedLinesNameFileAndLineButNotTheirText) {
    try {
        extra_opts_arguments("[s]\nport = 1\nsecret-without-equals\n", "s", "f.ini");
        FAIL() << "no error";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_TRUE(message.starts_with("f.ini:3: ")) << message;
        EXPECT_EQ(message.find("secret"), std::string::npos) << message;
    }
    EXPECT_THROW(extra_opts_arguments("[unterminated\n", "s", "f.ini"), InputError);
    EXPECT_THROW(extra_opts_arguments("[s]\n= value\n", "s", "f.ini"), InputError);
}

TEST(ExtraOptsReference, Forms) {
    struct Case {
        std::string value;
        std::string section;
        std::optional<std::string> file;
    };
    for (const auto& [value, section, file] : std::vector<Case>{
             {"", "check_port_owner", std::nullopt},
             {"web", "web", std::nullopt},
             {"web@/etc/x.ini", "web", "/etc/x.ini"},
             {"@/etc/x.ini", "check_port_owner", "/etc/x.ini"},
         }) {
        SCOPED_TRACE(value);
        const auto reference = parse_extra_opts_reference(value, "check_port_owner");
        EXPECT_EQ(reference.section, section);
        EXPECT_EQ(reference.file, file);
    }
    EXPECT_THROW(parse_extra_opts_reference("web@", "check_port_owner"), InputError);
}

}  // namespace
}  // namespace port_owner
