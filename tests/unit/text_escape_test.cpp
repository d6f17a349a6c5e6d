// SPDX-License-Identifier: GPL-3.0-or-later
// escape_text and cut_to_length: what reaches the output from process and config text.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "core/text_escape.hpp"
#include "fixtures.hpp"

namespace port_owner {
namespace {

using test_support::is_valid_utf8;

// Reverses escape_text (without a cut marker), so tests can show nothing was lost.
std::string unescape(std::string_view text) {
    std::string raw;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            raw += text[i];
        } else if (i + 1 < text.size() && text[i + 1] == '\\') {
            raw += '\\';
            ++i;
        } else if (i + 3 < text.size() && text[i + 1] == 'x') {
            raw += static_cast<char>(std::stoi(std::string(text.substr(i + 2, 2)), nullptr, 16));
            i += 3;
        } else {
            ADD_FAILURE() << "dangling backslash at " << i << " in " << text;
            return raw;
        }
    }
    return raw;
}

void expect_safe(const std::string& escaped, std::size_t max_bytes) {
    EXPECT_LE(escaped.size(), max_bytes);
    EXPECT_TRUE(is_valid_utf8(escaped));
    for (const char c : escaped) {
        const auto byte = static_cast<unsigned char>(c);
        EXPECT_FALSE(byte < 0x20 || byte == 0x7F || c == '|' || c == '<' || c == '>')
            << static_cast<int>(byte);
    }
    for (const std::string_view separator : {"\xe2\x80\xa8", "\xe2\x80\xa9", "\xc2\x85"}) {
        EXPECT_EQ(escaped.find(separator), std::string::npos);
    }
}

TEST(EscapeText, Table) {
    const std::pair<std::string, std::string> cases[] = {
        {"nginx", "nginx"},
        {"", ""},
        {"a|b", "a\\x7cb"},
        {"a\nb", "a\\x0ab"},
        {"\r", "\\x0d"},
        {"\t", "\\x09"},
        {"\x1b[31m", "\\x1b[31m"},
        {"\x7f", "\\x7f"},
        {std::string("a\0b", 3), "a\\x00b"},
        {"back\\slash", "back\\\\slash"},
        {"a=b'c\"d;e", "a=b'c\"d;e"},      // only '|' matters to the engines
        {"<script>", "\\x3cscript\\x3e"},  // a web front-end would render a tag
        {"<img src=x onerror=f()>", "\\x3cimg src=x onerror=f()\\x3e"},
        {"a&amp;b", "a&amp;b"},  // no tag, so rendered as text: the entity shows as typed
        {"caf\xc3\xa9", "caf\xc3\xa9"},
        {"\xe2\x82\xac", "\xe2\x82\xac"},
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
        {"\xc2\xa0", "\xc2\xa0"},  // no-break space is fine
        {"\xff", "\\xff"},
        {"\xc3", "\\xc3"},                             // truncated sequence
        {"\xc3(", "\\xc3("},                           // bad continuation
        {"\xc0\xaf", "\\xc0\\xaf"},                    // overlong '/'
        {"\xe0\x80\xaf", "\\xe0\\x80\\xaf"},           // overlong, 3 bytes
        {"\xed\xa0\x80", "\\xed\\xa0\\x80"},           // surrogate
        {"\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},  // above U+10FFFF
        {"\xe2\x80\xa8", "\\xe2\\x80\\xa8"},           // line separator
        {"\xe2\x80\xa9", "\\xe2\\x80\\xa9"},           // paragraph separator
        {"\xc2\x85", "\\xc2\\x85"},                    // NEL
    };
    for (const auto& [raw, expected] : cases) {
        SCOPED_TRACE(expected);
        const auto escaped = escape_text(raw);
        EXPECT_EQ(escaped, expected);
        expect_safe(escaped, 256);
        EXPECT_EQ(unescape(escaped), raw);
    }
}

TEST(EscapeText, EverySingleByteIsSafeAndReversible) {
    for (int byte = 0; byte < 256; ++byte) {
        SCOPED_TRACE(byte);
        const std::string raw(1, static_cast<char>(byte));
        const auto escaped = escape_text(raw);
        expect_safe(escaped, 256);
        EXPECT_EQ(unescape(escaped), raw);
    }
}

TEST(EscapeText, RandomBytesAreSafeAndReversible) {
    std::mt19937 random(20240611);  // fixed seed: the same inputs on every run
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 80);
    for (int round = 0; round < 2000; ++round) {
        std::string raw;
        const auto size = length(random);
        for (int i = 0; i < size; ++i) {
            raw += static_cast<char>(byte(random));
        }
        const auto escaped = escape_text(raw, 1024);
        expect_safe(escaped, 1024);
        EXPECT_EQ(unescape(escaped), raw);
    }
}

TEST(EscapeText, LongTextIsCutVisiblyWithinTheLimit) {
    const auto escaped = escape_text(std::string(300, 'a'), 256);
    EXPECT_EQ(escaped.size(), 256u);
    EXPECT_TRUE(escaped.ends_with("...")) << escaped;
    EXPECT_EQ(escape_text(std::string(256, 'a'), 256), std::string(256, 'a'));
}

TEST(EscapeText, CutNeverSplitsAnEscapeOrACharacter) {
    const std::string pieces[] = {"|", "\n", "\xe2\x82\xac", "\xff", "\\", "a"};
    for (const auto& piece : pieces) {
        std::string raw;
        for (int i = 0; i < 100; ++i) {
            raw += piece;
        }
        for (std::size_t max = 4; max < 64; ++max) {
            SCOPED_TRACE(std::to_string(max) + " bytes of " + escape_text(piece));
            const auto escaped = escape_text(raw, max);
            expect_safe(escaped, max);
            ASSERT_TRUE(escaped.ends_with("..."));
            const auto kept = escaped.substr(0, escaped.size() - 3);
            const auto original = unescape(kept);
            EXPECT_EQ(raw.substr(0, original.size()), original);
        }
    }
}

// The header promises "at most max_bytes bytes" for any limit.
TEST(EscapeText, NeverLongerThanTheLimitEvenWhenTheLimitIsTiny) {
    for (std::size_t max = 0; max < 8; ++max) {
        SCOPED_TRACE(max);
        EXPECT_LE(escape_text("abcdefghij", max).size(), max);
        EXPECT_LE(escape_text("||||", max).size(), max);
    }
}

TEST(CutToLength, Table) {
    struct Case {
        std::string text;
        std::size_t max;
        std::string expected;
    };
    const Case cases[] = {
        {"abc", 10, "abc"},
        {"abcdef", 6, "abcdef"},
        {"abcdefg", 6, "abc..."},
        {std::string(300, 'a'), 100, std::string(97, 'a') + "..."},
        // \xc3\xa9 is é: a cut inside it steps back to the character start.
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 6, "\xc3\xa9..."},
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 7, "\xc3\xa9\xc3\xa9..."},
        {"\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 7, "\xf0\x9f\x98\x80..."},
        // Already escaped text is not escaped again.
        {"a\\x7cb", 100, "a\\x7cb"},
        {"a\\\\b", 100, "a\\\\b"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text.substr(0, 20) + " / " + std::to_string(c.max));
        const auto cut = cut_to_length(c.text, c.max);
        EXPECT_EQ(cut, c.expected);
        EXPECT_LE(cut.size(), c.max);
        EXPECT_TRUE(is_valid_utf8(cut));
    }
}

TEST(CutToLength, ValidUtf8StaysValidAtEveryLimit) {
    const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z\xe2\x82\xac\xc3\xa9";
    for (std::size_t max = 3; max <= text.size() + 1; ++max) {
        SCOPED_TRACE(max);
        const auto cut = cut_to_length(text, max);
        EXPECT_LE(cut.size(), max);
        EXPECT_TRUE(is_valid_utf8(cut));
    }
}

// The header promises "at most max_bytes bytes" for any limit.
TEST(CutToLength, NeverLongerThanTheLimitEvenWhenTheLimitIsTiny) {
    for (std::size_t max = 0; max < 3; ++max) {
        SCOPED_TRACE(max);
        EXPECT_LE(cut_to_length("abcdefghij", max).size(), max);
    }
}

}  // namespace
}  // namespace port_owner
