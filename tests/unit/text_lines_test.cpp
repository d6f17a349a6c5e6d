// SPDX-License-Identifier: GPL-3.0-or-later
// TextLines and NumberedTextLines: the one way the plugin splits a text into lines.

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "core/text_lines.hpp"

namespace port_owner {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    for (const std::string_view line : TextLines(text)) {
        lines.push_back(line);
    }
    return lines;
}

using Lines = std::vector<std::string_view>;

TEST(TextLines, SplitsAtNewlineWithoutKeepingIt) {
    EXPECT_EQ(lines_of("a\nbb\nccc\n"), (Lines{"a", "bb", "ccc"}));
}

TEST(TextLines, ALastLineWithoutNewlineIsALine) {
    EXPECT_EQ(lines_of("a\nb"), (Lines{"a", "b"}));
    EXPECT_EQ(lines_of("only"), (Lines{"only"}));
}

TEST(TextLines, AFinalNewlineStartsNoEmptyLine) {
    EXPECT_EQ(lines_of(""), Lines{});
    EXPECT_EQ(lines_of("\n"), (Lines{""}));
    EXPECT_EQ(lines_of("a\n"), (Lines{"a"}));
}

TEST(TextLines, EmptyLinesInsideAreKept) {
    EXPECT_EQ(lines_of("\n\na\n\nb\n\n"), (Lines{"", "", "a", "", "b", ""}));
}

TEST(TextLines, CarriageReturnStaysForTheCallerToTrim) {
    EXPECT_EQ(lines_of("a\r\nb\r\n"), (Lines{"a\r", "b\r"}));
}

TEST(TextLines, LinesAreViewsIntoTheText) {
    const std::string_view text = "first\nsecond";
    const auto lines = lines_of(text);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].data(), text.data());
    EXPECT_EQ(lines[1].data(), text.data() + 6);
}

TEST(NumberedTextLines, NumbersCountFromOneAndIncludeEmptyLines) {
    std::vector<int> numbers;
    Lines texts;
    for (const auto [number, line] : NumberedTextLines("a\n\nc")) {
        numbers.push_back(number);
        texts.push_back(line);
    }
    EXPECT_EQ(numbers, (std::vector<int>{1, 2, 3}));
    EXPECT_EQ(texts, (Lines{"a", "", "c"}));
}

TEST(NumberedTextLines, NothingForAnEmptyText) {
    EXPECT_EQ(NumberedTextLines("").begin(), std::default_sentinel);
}

}  // namespace
}  // namespace port_owner
