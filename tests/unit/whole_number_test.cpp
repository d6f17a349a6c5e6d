// SPDX-License-Identifier: GPL-3.0-or-later
// parse_whole_number: the one way the plugin reads a number from text.

#include <gtest/gtest.h>

#include <cstdint>

#include "core/whole_number.hpp"

namespace port_owner {
namespace {

TEST(WholeNumber, AcceptsOnlyDigitsFromStartToEnd) {
    EXPECT_EQ(parse_whole_number<unsigned>("80"), 80u);
    EXPECT_EQ(parse_whole_number<unsigned>("0"), 0u);
    EXPECT_EQ(parse_whole_number<std::uint64_t>("18446744073709551615"), UINT64_MAX);
    for (const char* text : {"", " 80", "80 ", "80x", "+80", "-1", "0x50", "8 0", "\t1"}) {
        EXPECT_FALSE(parse_whole_number<unsigned>(text)) << "'" << text << "'";
    }
}

TEST(WholeNumber, RefusesWhatDoesNotFit) {
    EXPECT_FALSE(parse_whole_number<std::uint16_t>("65536"));
    EXPECT_EQ(parse_whole_number<std::uint16_t>("65535"), 65535);
    EXPECT_FALSE(parse_whole_number<int>("2147483648"));
    EXPECT_FALSE(parse_whole_number<std::uint64_t>("18446744073709551616"));
}

TEST(WholeNumber, OtherBases) {
    EXPECT_EQ(parse_whole_number<unsigned>("1F90", 16), 0x1F90u);
    EXPECT_FALSE(parse_whole_number<unsigned>("1G", 16));
}

}  // namespace
}  // namespace port_owner
