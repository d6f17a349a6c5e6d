// SPDX-License-Identifier: GPL-3.0-or-later
// The problem this project exists for, on its own platform: IIS (inetinfo.exe) cannot start
// because another program took its port first; bind fails with WSAEADDRINUSE and the event log
// says only "address already in use". The check must name the program that holds the port.

#include "harness/binary_paths.hpp"
#include "harness/plugin_assertions.hpp"
#include "harness/plugin_run.hpp"
#include "harness/port_holder.hpp"

#include <gtest/gtest.h>

#include <string>

namespace windows_tests {
namespace {

constexpr int kWsaAddressInUse = 10048;  // WSAEADDRINUSE

TEST(SeedScenario, RogueTookThePortInetinfoCannotBindTheCheckNamesRogue) {
    PortHolder rogue(holder_path(L"rogue.exe"), {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();
    const std::string port = std::to_string(rogue.port());

    PortHolder inetinfo(holder_path(L"inetinfo.exe"), {"tcp4:127.0.0.1:" + port});
    EXPECT_FALSE(inetinfo.holds_everything()) << inetinfo.transcript();
    EXPECT_EQ(inetinfo.socket_error(), kWsaAddressInUse) << inetinfo.transcript();

    const auto run = run_plugin({"-p", port + "=inetinfo"});
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_TRUE(names_holder(run, "rogue.exe", rogue.pid()));
}

TEST(SeedScenario, InetinfoHoldingItsPortIsOk) {
    PortHolder inetinfo(holder_path(L"inetinfo.exe"), {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(inetinfo.holds_everything()) << inetinfo.transcript();
    const std::string port = std::to_string(inetinfo.port());

    const auto run = run_plugin({"-p", port + "=inetinfo"});
    EXPECT_TRUE(has_verdict(run, kOk));
    EXPECT_EQ(run.exit_code, 0);
}

// The same port once the rogue is gone: nobody listens, which is the other failure IIS meets.
TEST(SeedScenario, NobodyOnTheRequiredPortIsCritical) {
    PortHolder rogue(holder_path(L"rogue.exe"), {"tcp4:127.0.0.1:0"});
    ASSERT_TRUE(rogue.holds_everything()) << rogue.transcript();
    const std::string port = std::to_string(rogue.port());
    rogue.stop();

    const auto run = run_plugin({"-p", port + "=inetinfo"});
    EXPECT_TRUE(has_verdict(run, kCritical));
    EXPECT_EQ(run.output.find("rogue.exe"), std::string::npos) << run;
}

}  // namespace
}  // namespace windows_tests
