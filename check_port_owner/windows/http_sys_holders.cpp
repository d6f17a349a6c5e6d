// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/http_sys_holders.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace port_owner::windows_os {
namespace {

std::string queue_name(const HttpRequestQueue& queue) {
    return queue.name.empty() ? std::string("an unnamed request queue")
                              : fmt::format("request queue {}", queue.name);
}

std::string describe_queue(const HttpRequestQueue& queue) {
    std::vector<std::string> parts;
    if (!queue.process_ids.empty()) {
        parts.push_back(fmt::format("pid {}", fmt::join(queue.process_ids, ", ")));
    } else if (queue.processes_complete) {
        parts.emplace_back("no process attached");
    }
    if (queue.controller_pid) {
        parts.push_back(fmt::format("controller pid {}", *queue.controller_pid));
    }
    if (parts.empty()) {
        return queue_name(queue);
    }
    return fmt::format("{} ({})", queue_name(queue), fmt::join(parts, ", "));
}

bool has_holder(const ObservedListener& listener, std::uint32_t pid) {
    return std::any_of(
        listener.holders.begin(), listener.holders.end(),
        [&](const ProcessIdentity& holder) { return holder.pid == static_cast<int>(pid); });
}

void mark_incomplete(ObservedListener& listener, std::string problem) {
    listener.holders_complete = false;
    if (listener.attribution_problem.empty()) {
        listener.attribution_problem = std::move(problem);
    }
}

}  // namespace

void explain_kernel_listener(ObservedListener& listener,
                             const std::optional<std::vector<HttpRequestQueue>>& queues,
                             const HolderReader& read_holder) {
    if (listener.holders.empty()) {
        return;
    }
    auto& kernel = listener.holders.front();
    const auto port = listener.socket.port;
    if (!queues) {
        kernel.executable_problem =
            "the Windows kernel (System, pid 4) holds it: HTTP.sys, serving IIS, WinRM or an "
            "HttpListener application, or another kernel driver; which one could not be learned "
            "(netsh http show servicestate gave no answer this check understands)";
        // Anyone may register a URL under HTTP.sys's default reservations
        // (http://+:80/Temporary_Listen_Addresses/): unexplained, System proves nothing, not
        // even to a user:S-1-5-18 entry.
        mark_incomplete(listener,
                        fmt::format("what the Windows kernel (System, pid 4) serves on port {} "
                                    "could not be learned from netsh",
                                    port));
        return;
    }
    const auto serving = queues_serving_port(*queues, port);
    if (serving.empty()) {
        kernel.executable_problem = fmt::format(
            "the Windows kernel (System, pid 4) holds it, not for HTTP.sys (no HTTP.sys URL uses "
            "port {}): another kernel driver, such as SMB or NetBT",
            port);
        return;
    }
    std::vector<std::string> descriptions;
    for (const auto* queue : serving) {
        descriptions.push_back(describe_queue(*queue));
    }
    kernel.services = {http_sys_service};
    kernel.executable_problem = fmt::format(
        "the Windows kernel (System, pid 4) holds it for HTTP.sys, which hands its requests to {}",
        fmt::join(descriptions, "; "));

    // Copied first: the queues' pids are read after every description is made.
    std::vector<const HttpRequestQueue*> incomplete;
    std::vector<std::uint32_t> behind;
    for (const auto* queue : serving) {
        if (!queue->processes_complete) {
            incomplete.push_back(queue);
        }
        behind.insert(behind.end(), queue->process_ids.begin(), queue->process_ids.end());
        if (queue->controller_pid) {
            behind.push_back(*queue->controller_pid);
        }
    }
    for (const auto pid : behind) {
        if (pid == 0 || pid == system_pid || has_holder(listener, pid)) {
            continue;
        }
        auto reading = read_holder(pid);
        if (reading.identity) {
            listener.holders.push_back(std::move(*reading.identity));
        } else {
            mark_incomplete(listener, fmt::format("a process behind HTTP.sys on port {}: {}", port,
                                                  reading.problem));
        }
    }
    for (const auto* queue : incomplete) {
        mark_incomplete(listener,
                        fmt::format("the processes behind HTTP.sys's {} on port {} could not all "
                                    "be read from netsh's output",
                                    queue_name(*queue), port));
    }
}

}  // namespace port_owner::windows_os
