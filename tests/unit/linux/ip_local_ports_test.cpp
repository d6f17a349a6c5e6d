// SPDX-License-Identifier: GPL-3.0-or-later
// The sysctls that say which ports the kernel hands out: read exactly in the kernel's format,
// refused otherwise (no hint is better than one from a misread file).

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "linux/ip_local_ports.hpp"

namespace port_owner::linux_os {
namespace {

TEST(LocalPortRange, KernelFormat) {
    EXPECT_EQ(parse_local_port_range("32768\t60999\n"), (PortRange{32768, 60999}));
    EXPECT_EQ(parse_local_port_range("1024\t65535"), (PortRange{1024, 65535}));
    EXPECT_EQ(parse_local_port_range("40000\t40000\n"), (PortRange{40000, 40000}));
}

TEST(LocalPortRange, AnythingElseIsRefused) {
    for (const std::string_view text :
         {"", "\n", "32768\n", "32768 60999\n", "60999\t32768\n", "32768\t65536\n", "-1\t5\n",
          "32768\t60999\n\n", "a\tb\n", "32768\t\t60999\n"}) {
        EXPECT_EQ(parse_local_port_range(text), std::nullopt) << text;
    }
}

TEST(ReservedPorts, KernelFormat) {
    EXPECT_EQ(parse_reserved_ports("\n"), std::vector<PortRange>{});
    EXPECT_EQ(parse_reserved_ports(""), std::vector<PortRange>{});
    EXPECT_EQ(parse_reserved_ports("8080\n"), (std::vector<PortRange>{{8080, 8080}}));
    EXPECT_EQ(parse_reserved_ports("8080,9000-9010,40000\n"),
              (std::vector<PortRange>{{8080, 8080}, {9000, 9010}, {40000, 40000}}));
    EXPECT_EQ(parse_reserved_ports("0-65535\n"), (std::vector<PortRange>{{0, 65535}}));
}

TEST(ReservedPorts, AnythingElseIsRefused) {
    for (const std::string_view text :
         {"8080,\n", ",8080\n", "8080 9000\n", "9010-9000\n", "65536\n", "1-2-3\n", "80,,81\n",
          "x\n", "8080\n\n", " 8080\n", "-5\n"}) {
        EXPECT_EQ(parse_reserved_ports(text), std::nullopt) << text;
    }
}

}  // namespace
}  // namespace port_owner::linux_os
