// SPDX-License-Identifier: GPL-3.0-or-later
// TCP and UDP, IPv4 and IPv6: each comes from its own table (GetExtendedTcpTable or
// GetExtendedUdpTable, AF_INET or AF_INET6), and in each the check must find the holder and
// name it, and a second program must fail to bind the same socket, as in the seed scenario.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_holder.hpp"

#include <gtest/gtest.h>

#include <string>

namespace windows_tests {
namespace {

struct Protocol {
    std::string name;     // the rule's protocol: tcp4, udp6, ...
    std::string address;  // as the holder's spec writes it
    std::string other;    // the same family, the other transport
};

class Protocols : public testing::TestWithParam<Protocol> {
  protected:
    std::string spec(const std::string& port) const {
        return GetParam().name + ":" + GetParam().address + ":" + port;
    }
};

TEST_P(Protocols, TheHolderIsNamedAndASecondBindFails) {
    PortHolder rogue(holder_path(L"rogue.exe"), {spec("0")});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();
    const std::string port = std::to_string(rogue.port());

    PortHolder inetinfo(holder_path(L"inetinfo.exe"), {spec(port)});
    EXPECT_EQ(inetinfo.socket_error(), 10048) << inetinfo.transcript();

    const auto wrong = run_plugin({"-p", GetParam().name + "/" + port + "=inetinfo"});
    EXPECT_TRUE(has_verdict(wrong, kCritical));
    EXPECT_TRUE(names_holder(wrong, "rogue.exe", rogue.pid()));

    const auto right = run_plugin({"-p", GetParam().name + "/" + port + "=rogue"});
    EXPECT_TRUE(has_verdict(right, kOk));
}

// The rule's protocol decides which table is read: the same port number in the other transport
// has no listener.
TEST_P(Protocols, TheOtherTransportOnTheSamePortIsNotTheHolder) {
    PortHolder rogue(holder_path(L"rogue.exe"), {spec("0")});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();
    const std::string port = std::to_string(rogue.port());

    const auto run = run_plugin({"-p", GetParam().other + "/" + port + "=rogue"});
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_EQ(run.output.find("rogue.exe"), std::string::npos) << run;
}

INSTANTIATE_TEST_SUITE_P(All, Protocols,
                         testing::Values(Protocol{"tcp4", "127.0.0.1", "udp4"},
                                         Protocol{"udp4", "127.0.0.1", "tcp4"},
                                         Protocol{"tcp6", "[::1]", "udp6"},
                                         Protocol{"udp6", "[::1]", "tcp6"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace windows_tests
