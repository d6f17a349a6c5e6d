// SPDX-License-Identifier: GPL-3.0-or-later
// The request queues of `netsh http show servicestate view=requestq`. The samples follow the
// layout Windows prints: newer releases list "Processes:" as "ID: N, image: PATH" with the
// services a process hosts, older ones "Process IDs:" as bare numbers; a queue lists its URLs
// directly or inside its URL groups, where its name is repeated further in; an IIS application
// pool's queue names its controller (WAS), and has no process attached while the pool is idle.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "windows/http_request_queues.hpp"

namespace port_owner::windows_os {
namespace {

// An IIS server with a busy and an idle application pool, WinRM, and an HttpListener program
// bound to loopback addresses.
constexpr std::string_view iis_server = R"(
Snapshot of HTTP service state (Request Queue View):
-----------------------------------------------------

Server session ID: FF00000020000001
    Version: 2.0
    State: Active

Request queue name: DefaultAppPool
    Version: 2.0
    State: Active
    Request queue 503 verbosity level: Limited
    Max requests: 1000
    Number of active processes attached: 2
    Controller process ID: 2392
    Processes:
        ID: 5004, image: C:\Windows\System32\inetsrv\w3wp.exe
        ID: 5120, image: C:\Windows\System32\inetsrv\w3wp.exe
    URL groups:
    URL group ID: FE00000040000001
        State: Active
        Request queue name: DefaultAppPool
        Number of registered URLs: 2
        Registered URLs:
            HTTP://*:80/
            HTTPS://*:443/

Request queue name: ReportsPool
    Version: 2.0
    State: Active
    Request queue 503 verbosity level: Limited
    Max requests: 1000
    Number of active processes attached: 0
    Controller process ID: 2392
    Processes:
    URL groups:
    URL group ID: FE00000040000002
        State: Active
        Request queue name: ReportsPool
        Number of registered URLs: 1
        Registered URLs:
            HTTP://*:8080/REPORTS/

Request queue name: Request queue is unnamed.
    Version: 1.0
    State: Active
    Request queue 503 verbosity level: Basic
    Max requests: 1000
    Number of active processes attached: 1
    Processes:
        ID: 1412, image: <?>
        Services: WinRM
        Tagged Service: WinRM
    Registered URLs:
        HTTP://+:5985/WSMAN/
        HTTP://+:47001/WSMAN/

Request queue name: Request queue is unnamed.
    Version: 2.0
    State: Active
    Request queue 503 verbosity level: Basic
    Max requests: 1000
    Number of active processes attached: 1
    Processes:
        ID: 6120, image: C:\Tools\agent\agent.exe
    URL groups:
    URL group ID: FD00000240000003
        State: Active
        Request queue name: Request queue is unnamed.
        Number of registered URLs: 2
        Registered URLs:
            HTTP://127.0.0.1:8000:127.0.0.1/
            HTTP://[::1]:8000/API/

)";

// An older Windows: bare process IDs, and a URL group with its properties.
constexpr std::string_view older_windows = R"(
Snapshot of HTTP service state (Request Queue View):
-----------------------------------------------------

Request queue name: Request queue is unnamed.
    Version: 2.0
    State: Active
    Request queue 503 verbosity level: Basic
    Max requests: 1000
    Number of active processes attached: 2
    Process IDs:
        3248
        3260
    URL groups:
    URL group ID: FE00000040000001
        State: Active
        Request queue name: Request queue is unnamed.
        Properties:
            Max bandwidth: inherited
            Max connections: inherited
            Timeouts:
                Timeout values inherited
        Number of registered URLs: 1
        Registered URLs:
            HTTP://+:80/116B50EB-ECE2-41AC-8429-9F9E963361B7/

Request queue name: Request queue is unnamed.
    Version: 2.0
    State: Active
    Request queue 503 verbosity level: Basic
    Max requests: 1000
    Number of active processes attached: 1
    Process IDs:
        4120
    URL groups:
    URL group ID: FD00000040000002
        Number of registered URLs: 1
        Registered URLs:
            HTTP://LOCALHOST:8080/
)";

std::string with_crlf(std::string_view text) {
    std::string result;
    for (const char c : text) {
        if (c == '\n') {
            result += '\r';
        }
        result += c;
    }
    return result;
}

TEST(HttpRequestQueues, ReadsEveryQueueOfANewerWindows) {
    const auto queues = parse_http_request_queues(iis_server);
    ASSERT_TRUE(queues);
    ASSERT_EQ(queues->size(), 4u);

    const auto& pool = (*queues)[0];
    EXPECT_EQ(pool.name, "DefaultAppPool");
    EXPECT_EQ(pool.process_ids, (std::vector<std::uint32_t>{5004, 5120}));
    EXPECT_EQ(pool.controller_pid, 2392u);
    EXPECT_TRUE(pool.processes_complete);
    EXPECT_EQ(pool.urls, (std::vector<std::string>{"HTTP://*:80/", "HTTPS://*:443/"}));

    const auto& idle = (*queues)[1];
    EXPECT_EQ(idle.name, "ReportsPool");
    EXPECT_TRUE(idle.process_ids.empty());
    EXPECT_EQ(idle.controller_pid, 2392u);
    EXPECT_TRUE(idle.processes_complete);  // none attached, as announced
    EXPECT_EQ(idle.urls, (std::vector<std::string>{"HTTP://*:8080/REPORTS/"}));

    const auto& winrm = (*queues)[2];
    EXPECT_EQ(winrm.name, "");
    EXPECT_EQ(winrm.process_ids, (std::vector<std::uint32_t>{1412}));
    EXPECT_FALSE(winrm.controller_pid);
    EXPECT_TRUE(winrm.processes_complete);
    EXPECT_EQ(winrm.urls,
              (std::vector<std::string>{"HTTP://+:5985/WSMAN/", "HTTP://+:47001/WSMAN/"}));

    const auto& agent = (*queues)[3];
    EXPECT_EQ(agent.process_ids, (std::vector<std::uint32_t>{6120}));
    EXPECT_EQ(agent.urls, (std::vector<std::string>{"HTTP://127.0.0.1:8000:127.0.0.1/",
                                                    "HTTP://[::1]:8000/API/"}));
}

TEST(HttpRequestQueues, ReadsBareProcessIdsOfAnOlderWindows) {
    const auto queues = parse_http_request_queues(older_windows);
    ASSERT_TRUE(queues);
    ASSERT_EQ(queues->size(), 2u);
    EXPECT_EQ((*queues)[0].process_ids, (std::vector<std::uint32_t>{3248, 3260}));
    EXPECT_TRUE((*queues)[0].processes_complete);
    EXPECT_EQ((*queues)[0].urls,
              (std::vector<std::string>{"HTTP://+:80/116B50EB-ECE2-41AC-8429-9F9E963361B7/"}));
    EXPECT_EQ((*queues)[1].process_ids, (std::vector<std::uint32_t>{4120}));
    EXPECT_EQ((*queues)[1].urls, (std::vector<std::string>{"HTTP://LOCALHOST:8080/"}));
}

TEST(HttpRequestQueues, CrlfLinesReadTheSame) {
    const auto queues = parse_http_request_queues(with_crlf(iis_server));
    ASSERT_TRUE(queues);
    ASSERT_EQ(queues->size(), 4u);
    EXPECT_EQ((*queues)[0].name, "DefaultAppPool");
    EXPECT_EQ((*queues)[0].urls.back(), "HTTPS://*:443/");
    EXPECT_TRUE((*queues)[0].processes_complete);
}

TEST(HttpRequestQueues, FindsTheQueuesServingAPort) {
    const auto queues = parse_http_request_queues(iis_server);
    ASSERT_TRUE(queues);
    const auto names_on = [&](std::uint16_t port) {
        std::vector<std::uint32_t> pids;
        for (const auto* queue : queues_serving_port(*queues, port)) {
            pids.insert(pids.end(), queue->process_ids.begin(), queue->process_ids.end());
            pids.push_back(queue->controller_pid.value_or(0));
        }
        return pids;
    };
    EXPECT_EQ(names_on(80), (std::vector<std::uint32_t>{5004, 5120, 2392}));
    EXPECT_EQ(names_on(443), (std::vector<std::uint32_t>{5004, 5120, 2392}));
    EXPECT_EQ(names_on(8080), (std::vector<std::uint32_t>{2392}));
    EXPECT_EQ(names_on(47001), (std::vector<std::uint32_t>{1412, 0}));
    EXPECT_EQ(names_on(8000), (std::vector<std::uint32_t>{6120, 0}));
    // A port is a whole number: 8 and 800 are not 8000, 5 not 5985.
    EXPECT_TRUE(queues_serving_port(*queues, 8).empty());
    EXPECT_TRUE(queues_serving_port(*queues, 800).empty());
    EXPECT_TRUE(queues_serving_port(*queues, 5).empty());
    EXPECT_TRUE(queues_serving_port(*queues, 127).empty());
}

TEST(HttpRequestQueues, AProcessListThatDisagreesWithItsCountIsIncomplete) {
    // A process line of a layout not seen before must not leave its process unjudged.
    auto text = std::string(iis_server);
    const std::string second_worker =
        "        ID: 5120, image: C:\\Windows\\System32\\inetsrv\\w3wp.exe\n";
    text.replace(text.find(second_worker), second_worker.size(),
                 "        Id 5120 (C:\\Windows\\System32\\inetsrv\\w3wp.exe)\n");
    const auto queues = parse_http_request_queues(text);
    ASSERT_TRUE(queues);
    EXPECT_EQ((*queues)[0].process_ids, (std::vector<std::uint32_t>{5004}));
    EXPECT_FALSE((*queues)[0].processes_complete);
    EXPECT_TRUE((*queues)[2].processes_complete);
}

TEST(HttpRequestQueues, AQueueThatDoesNotAnnounceItsProcessesIsIncomplete) {
    const auto queues = parse_http_request_queues(
        "Request queue name: Request queue is unnamed.\n"
        "    Process IDs:\n"
        "        4120\n"
        "    Registered URLs:\n"
        "        HTTP://+:80/\n");
    ASSERT_TRUE(queues);
    ASSERT_EQ(queues->size(), 1u);
    EXPECT_EQ((*queues)[0].process_ids, (std::vector<std::uint32_t>{4120}));
    EXPECT_FALSE((*queues)[0].processes_complete);
}

TEST(HttpRequestQueues, NumbersOutsideTheProcessListAreNoProcesses) {
    const auto queues = parse_http_request_queues(
        "Request queue name: Q\n"
        "    Max requests:\n"
        "        1000\n"
        "    Number of active processes attached: 0\n"
        "    Process IDs:\n"
        "    URL groups:\n"
        "        4242\n"
        "        HTTP://+:80/\n");
    ASSERT_TRUE(queues);
    ASSERT_EQ(queues->size(), 1u);
    EXPECT_TRUE((*queues)[0].process_ids.empty());
    EXPECT_TRUE((*queues)[0].processes_complete);
}

TEST(HttpRequestQueues, NoQueueIsAnAnswerOnlyInNetshsOwnLayout) {
    const auto none = parse_http_request_queues(
        "\r\nSnapshot of HTTP service state (Request Queue View):\r\n"
        "-----------------------------------------------------\r\n\r\n");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    // wine's netsh prints nothing; without elevation, or in another language, the text is not
    // one this parser knows.
    EXPECT_FALSE(parse_http_request_queues(""));
    EXPECT_FALSE(
        parse_http_request_queues("The requested operation requires elevation (Run as "
                                  "administrator).\r\n"));
    EXPECT_FALSE(parse_http_request_queues(
        "Momentaufnahme des HTTP-Dienststatus (Anforderungswarteschlangenansicht):\n"
        "Name der Anforderungswarteschlange: DefaultAppPool\n"
        "        HTTP://*:80/\n"));
}

TEST(HttpRequestQueues, UrlPorts) {
    EXPECT_EQ(http_url_port("HTTP://+:80/"), 80);
    EXPECT_EQ(http_url_port("http://*:8080/app/"), 8080);
    EXPECT_EQ(http_url_port("HTTPS://+:443/HOSTAGENT/VSWITCH/"), 443);
    EXPECT_EQ(http_url_port("HTTP://127.0.0.1:8000:127.0.0.1/"), 8000);
    EXPECT_EQ(http_url_port("HTTP://[::1]:8081/"), 8081);
    EXPECT_EQ(http_url_port("HTTP://[FE80::1%4]:8082:[FE80::1%4]/"), 8082);
    EXPECT_EQ(http_url_port("HTTP://LOCALHOST:8080/"), 8080);
    EXPECT_EQ(http_url_port("HTTP://example.test/"), 80);
    EXPECT_EQ(http_url_port("HTTPS://example.test"), 443);
    EXPECT_FALSE(http_url_port("HTTP://+:0/"));
    EXPECT_FALSE(http_url_port("HTTP://+:65536/"));
    EXPECT_FALSE(http_url_port("HTTP://+:80x/"));
    EXPECT_FALSE(http_url_port("HTTP://+:/"));
    EXPECT_FALSE(http_url_port("HTTP://[::1/"));
    EXPECT_FALSE(http_url_port("FTP://+:21/"));
    EXPECT_FALSE(http_url_port("80"));
}

}  // namespace
}  // namespace port_owner::windows_os
