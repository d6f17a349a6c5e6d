// SPDX-License-Identifier: GPL-3.0-or-later
// The core writes its own address parser and formatter and its own glob matcher, so that it reads
// the same on every platform. On Linux they must agree with the C library the admin's other tools
// use (ss and netstat print with inet_ntop; shells and find match with fnmatch): random inputs,
// fixed seeds, every disagreement printed.

#include <arpa/inet.h>
#include <fnmatch.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>

#include "core/address_text.hpp"
#include "core/glob_match.hpp"

namespace port_owner {
namespace {

constexpr int rounds = 200000;

std::string random_text(std::mt19937& random, std::string_view alphabet, std::size_t max_length) {
    std::uniform_int_distribution<std::size_t> length(0, max_length);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string text(length(random), ' ');
    for (auto& c : text) {
        c = alphabet[pick(random)];
    }
    return text;
}

// Half random strings, half valid addresses (written by inet_ntop, or in full) with one byte
// replaced, inserted or removed: near misses are where parsers differ.
std::string address_candidate(std::mt19937& random, int round) {
    if (round % 2 == 0) {
        return random_text(random, round % 4 ? "0123456789." : "0129aF:.:", 20);
    }
    std::uniform_int_distribution<unsigned> byte(0, 255);
    std::uniform_int_distribution<int> zero(0, 2);
    std::array<std::uint8_t, 16> bytes{};
    for (auto& b : bytes) {
        b = zero(random) ? 0 : static_cast<std::uint8_t>(byte(random));
    }
    char written[INET6_ADDRSTRLEN];
    const bool v4 = round % 3 == 0;
    inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), written, sizeof(written));
    std::string text = written;
    const std::string_view edits = "0f:.9";
    std::uniform_int_distribution<std::size_t> at(0, text.size());
    std::uniform_int_distribution<std::size_t> pick(0, edits.size() - 1);
    switch (zero(random)) {
        case 0:
            break;  // left valid
        case 1:
            text.insert(at(random), 1, edits[pick(random)]);
            break;
        default:
            if (const auto position = at(random); position < text.size()) {
                text.erase(position, 1);
            }
    }
    return text;
}

TEST(CLibraryAgreement, AddressParsingAgreesWithInetPton) {
    std::mt19937 random(20261206);
    int accepted = 0;
    for (int round = 0; round < rounds; ++round) {
        const auto text = address_candidate(random, round);
        std::array<std::uint8_t, 16> expected{};
        const bool v4 = inet_pton(AF_INET, text.c_str(), expected.data()) == 1;
        const auto parsed4 = parse_ipv4_text(text);
        ASSERT_EQ(parsed4.has_value(), v4) << "'" << text << "'";
        if (v4) {
            EXPECT_TRUE(std::equal(parsed4->begin(), parsed4->end(), expected.begin())) << text;
        }
        const bool v6 = inet_pton(AF_INET6, text.c_str(), expected.data()) == 1;
        const auto parsed6 = parse_ipv6_text(text);
        ASSERT_EQ(parsed6.has_value(), v6) << "'" << text << "'";
        if (v6) {
            EXPECT_EQ(*parsed6, expected) << text;
        }
        accepted += v4 || v6;
    }
    // Both outcomes must come up often, or the comparison proves little.
    EXPECT_GT(accepted, rounds / 10);
    EXPECT_LT(accepted, rounds - rounds / 10);
}

TEST(CLibraryAgreement, AddressWritingAgreesWithInetNtop) {
    std::mt19937 random(61202026);
    // Mostly zero groups, so that runs, ties and the dotted forms all come up.
    std::uniform_int_distribution<int> group_kind(0, 5);
    std::uniform_int_distribution<unsigned> any_group(0, 0xffff);
    for (int round = 0; round < rounds; ++round) {
        std::array<std::uint8_t, 16> bytes{};
        for (std::size_t group = 0; group < 8; ++group) {
            const int kind = group_kind(random);
            const unsigned value = kind < 3 ? 0 : kind == 3 ? 0xffff : any_group(random);
            bytes[2 * group] = static_cast<std::uint8_t>(value >> 8);
            bytes[2 * group + 1] = static_cast<std::uint8_t>(value & 0xff);
        }
        char expected[INET6_ADDRSTRLEN];
        ASSERT_NE(inet_ntop(AF_INET6, bytes.data(), expected, sizeof(expected)), nullptr);
        ASSERT_EQ(format_ipv6_text(bytes), expected);
        const auto reread = parse_ipv6_text(expected);
        ASSERT_TRUE(reread) << expected;
        EXPECT_EQ(*reread, bytes) << expected;
    }
}

TEST(CLibraryAgreement, GlobMatchingAgreesWithFnmatch) {
    std::mt19937 random(1206);
    const std::string_view pattern_alphabet = "ab*?[]!^-\\/";
    const std::string_view classes[] = {"[[:alpha:]]", "[[:digit:]]", "[![:lower:]]"};
    std::uniform_int_distribution<std::size_t> pick_class(0, std::size(classes) - 1);
    std::uniform_int_distribution<int> coin(0, 3);
    int matched = 0;
    for (int round = 0; round < rounds; ++round) {
        auto pattern = random_text(random, pattern_alphabet, 8);
        if (coin(random) == 0) {
            pattern += classes[pick_class(random)];
        }
        const auto text = random_text(random, "ab-]![\\/1A", 6);
        const bool expected = fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
        ASSERT_EQ(glob_matches(pattern, text), expected)
            << "pattern '" << pattern << "' text '" << text << "'";
        matched += expected;
    }
    EXPECT_GT(matched, rounds / 50);
}

}  // namespace
}  // namespace port_owner
