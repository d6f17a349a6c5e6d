// SPDX-License-Identifier: GPL-3.0-or-later
// The table of `netsh interface ipv4|ipv6 show excludedportrange protocol=tcp|udp`. The samples
// follow the layout Windows prints (titles, a line of dashes, right-aligned rows, '*' for an
// administrator's exclusions, a footnote); the translated one keeps that layout with other words,
// as a localized Windows does.

#include <gtest/gtest.h>

#include <string>

#include "windows/excluded_port_ranges.hpp"

namespace port_owner::windows_os {
namespace {

// A Hyper-V host: WinNAT's ranges, and one range an administrator excluded.
constexpr std::string_view hyper_v_host = R"(
Protocol tcp Port Exclusion Ranges

Start Port    End Port
----------    --------
      5357        5357
     49671       49770
     50000       50059     *
     61117       61216

* - Administered port exclusions.

)";

TEST(ExcludedPortRanges, ReadsEveryRowAndTheAdministeredMark) {
    const auto rows = parse_excluded_port_ranges(hyper_v_host);
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 4u);
    EXPECT_EQ((*rows)[0].ports, (PortRange{5357, 5357}));
    EXPECT_FALSE((*rows)[0].administered);
    EXPECT_EQ((*rows)[1].ports, (PortRange{49671, 49770}));
    EXPECT_EQ((*rows)[2].ports, (PortRange{50000, 50059}));
    EXPECT_TRUE((*rows)[2].administered);
    EXPECT_EQ((*rows)[3].ports, (PortRange{61117, 61216}));
    EXPECT_FALSE((*rows)[3].administered);
}

TEST(ExcludedPortRanges, CrlfLinesAsNetshWritesThem) {
    std::string crlf;
    for (const char c : hyper_v_host) {
        if (c == '\n') {
            crlf += '\r';
        }
        crlf += c;
    }
    const auto rows = parse_excluded_port_ranges(crlf);
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->size(), 4u);
    EXPECT_TRUE((*rows)[2].administered);
}

TEST(ExcludedPortRanges, AnEmptyTableIsKnownToBeEmpty) {
    const auto rows = parse_excluded_port_ranges(R"(
Protocol udp Port Exclusion Ranges

Start Port    End Port
----------    --------

* - Administered port exclusions.
)");
    ASSERT_TRUE(rows);
    EXPECT_TRUE(rows->empty());
}

TEST(ExcludedPortRanges, AnotherLanguageIsReadByTheTableShape) {
    const auto rows = parse_excluded_port_ranges(R"(
Portausschlussbereiche für das Protokoll "tcp"

Startport   Endport
----------    --------
      1031        1130
     50000       50059     *

* - Verwaltete Portausschlüsse.
)");
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 2u);
    EXPECT_EQ((*rows)[0].ports, (PortRange{1031, 1130}));
    EXPECT_TRUE((*rows)[1].administered);
}

TEST(ExcludedPortRanges, NoOutputIsUnknownNeverNoExclusion) {
    // wine's netsh prints nothing; a missing helper prints a message.
    EXPECT_FALSE(parse_excluded_port_ranges(""));
    EXPECT_FALSE(parse_excluded_port_ranges("\r\n"));
    EXPECT_FALSE(
        parse_excluded_port_ranges("The following command was not found: interface ipv4 "
                                   "show excludedportrange protocol=tcp.\r\n"));
}

TEST(ExcludedPortRanges, ARowThatDoesNotReadMakesTheWholeTableUnknown) {
    // A partial list could leave out the very range the port is in.
    for (const char* row :
         {"      5357        abc", "     70000       70010", "     50059       50000",
          "      5357        5357     #", "      5357"}) {
        const auto text = std::string("Start Port    End Port\n----------    --------\n") + row +
                          "\n     61117       61216\n";
        EXPECT_FALSE(parse_excluded_port_ranges(text)) << row;
    }
}

TEST(ExcludedPortRanges, TheFootnoteEndsTheTable) {
    const auto rows = parse_excluded_port_ranges(
        "Start Port    End Port\n----------    --------\n       80         80\n\n"
        "* - Administered port exclusions.\n     1000       2000\n");
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].ports, (PortRange{80, 80}));
}

TEST(ExcludedPortRanges, TheWholePortRangeReads) {
    const auto rows = parse_excluded_port_ranges(
        "Start Port    End Port\n----------    --------\n        1      65535\n");
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].ports, (PortRange{1, 65535}));
}

}  // namespace
}  // namespace port_owner::windows_os
