// SPDX-License-Identifier: GPL-3.0-or-later
// What a TCP listener of the kernel (System, pid 4) becomes once netsh's request queues are
// known: HTTP.sys's, with the processes behind its URLs as holders to be judged, or another
// driver's, or unknown. Judged here with the verdict too, to show that no rule is ever OK on what
// netsh could not tell.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/rule.hpp"
#include "core/verdict.hpp"
#include "fixtures.hpp"
#include "windows/http_sys_holders.hpp"

namespace port_owner::windows_os {
namespace {

using namespace test_support;

// System as the Windows inventory reads it: no image path, the kernel's account.
ProcessIdentity kernel() {
    ProcessIdentity identity;
    identity.pid = 4;
    identity.comm = "System";
    identity.user = "NT AUTHORITY\\SYSTEM";
    identity.user_sid = "S-1-5-18";
    identity.executable_problem = "the Windows kernel (System, pid 4) holds it";
    identity.command_line_known = false;
    return identity;
}

ObservedListener kernel_listener(std::uint16_t port) {
    ObservedListener listener;
    listener.socket = tcp("0.0.0.0", port);
    listener.socket.socket_owner_known = false;
    listener.holders.push_back(kernel());
    return listener;
}

// The processes of a small IIS server and of an HttpListener program, by pid.
struct Processes {
    std::map<std::uint32_t, ProcessIdentity> known{
        {5004, windows_process("C:\\Windows\\System32\\inetsrv\\w3wp.exe", 5004,
                               "IIS APPPOOL\\DefaultAppPool", "S-1-5-82-1")},
        {2392, windows_process("C:\\Windows\\System32\\svchost.exe", 2392, "NT AUTHORITY\\SYSTEM",
                               "S-1-5-18", {"W3SVC", "WAS"})},
        {6120,
         windows_process("C:\\Users\\Public\\rogue.exe", 6120, "VM\\eve", "S-1-5-21-1-2-3-1001")},
    };
    std::vector<std::uint32_t> asked;

    HolderReader reader() {
        return [this](std::uint32_t pid) {
            asked.push_back(pid);
            const auto found = known.find(pid);
            if (found == known.end()) {
                return HolderReading{std::nullopt, "access denied"};
            }
            return HolderReading{found->second, {}};
        };
    }
};

HttpRequestQueue queue(std::string name, std::vector<std::uint32_t> pids,
                       std::optional<std::uint32_t> controller, std::vector<std::string> urls,
                       bool complete = true) {
    return HttpRequestQueue{std::move(name), std::move(pids), controller, complete,
                            std::move(urls)};
}

const std::vector<HttpRequestQueue> iis_and_rogue{
    queue("DefaultAppPool", {5004}, 2392, {"HTTP://*:80/"}),
    queue("ReportsPool", {}, 2392, {"HTTP://*:8080/REPORTS/"}),
    queue("", {6120}, std::nullopt, {"HTTP://+:80/evil/", "HTTP://+:8081/"}),
};

Verdict judge(const std::string& rule_text, const ObservedListener& listener) {
    static std::vector<Rule> rules;
    static std::vector<ObservedListener> listeners;
    rules = {parse_rule_argument(rule_text)};
    listeners = {listener};
    return evaluate(rules, listeners, {}, on_windows);
}

TEST(HttpSysHolders, ThePortsQueuesAndTheirProcessesBecomeHolders) {
    Processes processes;
    auto listener = kernel_listener(80);
    explain_kernel_listener(listener, iis_and_rogue, processes.reader());

    ASSERT_EQ(listener.holders.size(), 4u);
    const auto& system = listener.holders[0];
    EXPECT_EQ(system.services, (std::vector<std::string>{"HTTP"}));
    EXPECT_EQ(system.executable_problem,
              "the Windows kernel (System, pid 4) holds it for HTTP.sys, which hands its requests "
              "to request queue DefaultAppPool (pid 5004, controller pid 2392); an unnamed "
              "request queue (pid 6120)");
    EXPECT_EQ(listener.holders[1].pid, 5004);
    EXPECT_EQ(listener.holders[2].pid, 2392);
    EXPECT_EQ(listener.holders[3].pid, 6120);
    EXPECT_TRUE(listener.holders_complete);
    EXPECT_TRUE(listener.attribution_problem.empty());
    // The idle pool's queue is on another port: its controller is asked once, for port 80.
    EXPECT_EQ(processes.asked, (std::vector<std::uint32_t>{5004, 2392, 6120}));
}

TEST(HttpSysHolders, TheProcessBehindAUrlIsJudgedLikeAnyHolder) {
    Processes processes;
    auto listener = kernel_listener(80);
    explain_kernel_listener(listener, iis_and_rogue, processes.reader());

    // IIS allowed by what it is; the HttpListener program on http://+:80/evil/ is named.
    const auto verdict = judge("80=service:HTTP,w3wp,service:WAS", listener);
    ASSERT_EQ(verdict.findings.size(), 1u);
    EXPECT_EQ(verdict.findings[0].outcome, Outcome::unexpected);
    ASSERT_EQ(verdict.findings[0].culprits.size(), 1u);
    EXPECT_EQ(verdict.findings[0].culprits[0].holder->pid, 6120);

    auto iis_only = kernel_listener(8080);
    explain_kernel_listener(iis_only, iis_and_rogue, processes.reader());
    ASSERT_EQ(iis_only.holders.size(), 2u);  // the idle pool: no worker, its controller
    EXPECT_EQ(judge("8080=service:HTTP,w3wp,service:WAS", iis_only).findings[0].outcome,
              Outcome::ok);
    // Allowing HTTP.sys alone does not allow what it serves.
    EXPECT_EQ(judge("8080=service:HTTP", iis_only).findings[0].outcome, Outcome::unexpected);
}

TEST(HttpSysHolders, AProcessThatCannotBeReadLeavesTheListUnconfirmed) {
    Processes processes;
    processes.known.erase(6120);
    auto listener = kernel_listener(8081);
    explain_kernel_listener(listener, iis_and_rogue, processes.reader());
    ASSERT_EQ(listener.holders.size(), 1u);
    EXPECT_EQ(listener.holders[0].services, (std::vector<std::string>{"HTTP"}));
    EXPECT_FALSE(listener.holders_complete);
    EXPECT_EQ(listener.attribution_problem,
              "a process behind HTTP.sys on port 8081: access denied");
    EXPECT_EQ(judge("8081=service:HTTP", listener).findings[0].outcome, Outcome::unattributed);
}

TEST(HttpSysHolders, AProcessListNetshDidNotGiveInFullIsNeverOk) {
    Processes processes;
    const std::vector<HttpRequestQueue> queues{
        queue("DefaultAppPool", {5004}, 2392, {"HTTP://*:80/"}, false)};
    auto listener = kernel_listener(80);
    explain_kernel_listener(listener, queues, processes.reader());
    EXPECT_EQ(listener.holders.size(), 3u);
    EXPECT_FALSE(listener.holders_complete);
    EXPECT_EQ(listener.attribution_problem,
              "the processes behind HTTP.sys's request queue DefaultAppPool on port 80 could not "
              "all be read from netsh's output");
    EXPECT_EQ(judge("80=service:HTTP,w3wp,service:WAS", listener).findings[0].outcome,
              Outcome::unattributed);
}

TEST(HttpSysHolders, APortNoUrlUsesBelongsToAnotherDriver) {
    Processes processes;
    auto listener = kernel_listener(445);
    explain_kernel_listener(listener, iis_and_rogue, processes.reader());
    ASSERT_EQ(listener.holders.size(), 1u);
    EXPECT_TRUE(listener.holders[0].services.empty());
    EXPECT_EQ(listener.holders[0].executable_problem,
              "the Windows kernel (System, pid 4) holds it, not for HTTP.sys (no HTTP.sys URL uses "
              "port 445): another kernel driver, such as SMB or NetBT");
    EXPECT_TRUE(processes.asked.empty());
    EXPECT_NE(judge("445=service:HTTP", listener).findings[0].outcome, Outcome::ok);
}

TEST(HttpSysHolders, NoAnswerFromNetshExplainsNothing) {
    Processes processes;
    auto listener = kernel_listener(80);
    explain_kernel_listener(listener, std::nullopt, processes.reader());
    ASSERT_EQ(listener.holders.size(), 1u);
    EXPECT_TRUE(listener.holders[0].services.empty());
    EXPECT_NE(listener.holders[0].executable_problem.find("could not be learned"),
              std::string::npos);
    EXPECT_TRUE(processes.asked.empty());
    // The rule that would allow HTTP.sys cannot be satisfied by a guess, nor can the account
    // System runs as: behind HTTP.sys may be any program that registered a URL.
    EXPECT_NE(judge("80=service:HTTP", listener).findings[0].outcome, Outcome::ok);
    EXPECT_FALSE(listener.holders_complete);
    EXPECT_EQ(judge("80=user:S-1-5-18", listener).findings[0].outcome, Outcome::unattributed);
}

}  // namespace
}  // namespace port_owner::windows_os
