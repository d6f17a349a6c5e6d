// SPDX-License-Identifier: GPL-3.0-or-later
// The textual forms of addresses: what a rule accepts, and how the output writes an address.
// tests/unit/linux/c_library_agreement_test.cpp compares both with the C library.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

#include "core/address_text.hpp"

namespace port_owner {
namespace {

using Ipv6Bytes = std::array<std::uint8_t, 16>;

TEST(AddressText, Ipv4AcceptsOnlyFourDecimalParts) {
    EXPECT_EQ(parse_ipv4_text("10.0.0.1"), (std::array<std::uint8_t, 4>{10, 0, 0, 1}));
    EXPECT_EQ(parse_ipv4_text("255.255.255.255"),
              (std::array<std::uint8_t, 4>{255, 255, 255, 255}));
    for (const char* text : {"", "10.0.0", "10.0.0.1.", "10.0.0.01", "256.0.0.1", "10..0.1",
                             ".10.0.0", "10.0.0.1 ", "0x0a.0.0.1", "1.2.3.4.5", "10.0.0.1000"}) {
        EXPECT_FALSE(parse_ipv4_text(text)) << "'" << text << "'";
    }
}

TEST(AddressText, Ipv6ReadsGroupsZeroRunsAndADottedTail) {
    EXPECT_EQ(parse_ipv6_text("::"), Ipv6Bytes{});
    EXPECT_EQ(parse_ipv6_text("::1"), (Ipv6Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    EXPECT_EQ(parse_ipv6_text("FE80::a:1"),
              (Ipv6Bytes{0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 1}));
    EXPECT_EQ(parse_ipv6_text("::ffff:10.0.0.1"),
              (Ipv6Bytes{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1}));
    EXPECT_EQ(parse_ipv6_text("1:2:3:4:5:6:7:8"),
              (Ipv6Bytes{0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}));
    for (const char* text :
         {"", ":", ":1::", "1:", "1::2::3", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
          "12345::", "1:2:3:4:5:6:7::8", "1:2:3:4:5:6:7:8::", "::1.2.3", "::1.2.3.4:5",
          "1:2:3:4:5:6:7:1.2.3.4", "g::", "[::1]", "::1 "}) {
        EXPECT_FALSE(parse_ipv6_text(text)) << "'" << text << "'";
    }
}

TEST(AddressText, Ipv6IsWrittenShortestAndLowerCase) {
    const struct {
        const char* input;
        const char* written;
    } cases[] = {
        {"0:0:0:0:0:0:0:0", "::"},
        {"0:0:0:0:0:0:0:1", "::1"},
        {"1:0:0:0:0:0:0:0", "1::"},
        {"FE80:0:0:0:0:0:0:00AB", "fe80::ab"},
        {"1:0:2:0:0:3:0:0", "1:0:2::3:0:0"},     // the first of equal runs
        {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},       // the longest run
        {"1:2:3:4:5:6:0:8", "1:2:3:4:5:6:0:8"},  // one zero group stays "0"
        {"::ffff:10.0.0.1", "::ffff:10.0.0.1"},
        {"::10.0.0.1", "::10.0.0.1"},
        {"::0.0.1.2", "::102"},  // seven zero groups: not written dotted, as glibc does
    };
    for (const auto& c : cases) {
        const auto bytes = parse_ipv6_text(c.input);
        ASSERT_TRUE(bytes) << c.input;
        EXPECT_EQ(format_ipv6_text(*bytes), c.written) << c.input;
    }
    EXPECT_EQ(format_ipv4_text({192, 0, 2, 255}), "192.0.2.255");
}

}  // namespace
}  // namespace port_owner
