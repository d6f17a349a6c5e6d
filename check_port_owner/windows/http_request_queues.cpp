// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/http_request_queues.hpp"

#include <algorithm>
#include <limits>

#include "core/match_conventions.hpp"
#include "core/text_lines.hpp"
#include "core/text_trim.hpp"
#include "core/whole_number.hpp"

namespace port_owner::windows_os {
namespace {

constexpr std::string_view queue_label = "Request queue name:";
// What netsh prints as the name of a queue created without one.
constexpr std::string_view unnamed_queue = "Request queue is unnamed.";
// The header of the output, which is all there is when no queue exists.
constexpr std::string_view snapshot_header = "Snapshot of HTTP service state";

std::size_t indentation(std::string_view line) {
    const auto first = line.find_first_not_of(" \t");
    return first == std::string_view::npos ? line.size() : first;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           fold_ascii_case(text.substr(0, prefix.size())) == fold_ascii_case(prefix);
}

bool is_url(std::string_view text) {
    return starts_with_ignoring_case(text, "http://") ||
           starts_with_ignoring_case(text, "https://");
}

// The number after `label` on a "Label: N" line, or after the label up to a comma ("ID: 3248,
// image: C:\...").
std::optional<std::uint32_t> number_after(std::string_view text, std::string_view label) {
    if (!text.starts_with(label)) {
        return std::nullopt;
    }
    auto rest = trim_blanks(text.substr(label.size()));
    rest = trim_blanks(rest.substr(0, rest.find(',')));
    return parse_whole_number<std::uint32_t>(rest);
}

// The queue headers are the least indented "Request queue name:" lines: the view lists queues
// at the left margin, and each URL group inside a queue repeats its queue's name further in.
std::optional<std::size_t> queue_indentation(std::string_view text) {
    std::optional<std::size_t> least;
    for (const std::string_view line : TextLines(text)) {
        if (trim_blanks(line).starts_with(queue_label)) {
            const auto indent = indentation(line);
            least = least ? std::min(*least, indent) : indent;
        }
    }
    return least;
}

// Reads the lines of one queue's block, after its header. Not an std::optional around a reader
// made per queue: GCC 12 at -O3 reports a false -Wmaybe-uninitialized inside such an optional.
class QueueReader {
  public:
    void start(HttpRequestQueue& queue) {
        finish();
        queue_ = &queue;
    }

    void read(std::string_view text) {
        if (queue_ == nullptr) {
            return;  // a line before the first queue, or of a block that is not a queue's
        }
        auto& queue = *queue_;
        const bool continues_pid_list = listing_ == Listing::process_ids;
        listing_ = Listing::none;
        if (is_url(text)) {
            queue.urls.emplace_back(text);
        } else if (text == "Process IDs:") {
            listing_ = Listing::process_ids;  // older Windows: one bare pid per line
        } else if (text == "Processes:") {
            listing_ = Listing::processes;  // newer: "ID: N, image: PATH", then its services
        } else if (const auto pid = number_after(text, "ID:")) {
            queue.process_ids.push_back(*pid);
            listing_ = Listing::processes;
        } else if (text.starts_with("Services:") || text.starts_with("Tagged Service:")) {
            listing_ = Listing::processes;
        } else if (const auto bare = parse_whole_number<std::uint32_t>(text);
                   bare && continues_pid_list) {
            queue.process_ids.push_back(*bare);
            listing_ = Listing::process_ids;
        } else if (const auto controller = number_after(text, "Controller process ID:")) {
            queue.controller_pid = *controller;
        } else if (const auto count = number_after(text, "Number of active processes attached:")) {
            announced_processes_ = *count;
            processes_announced_ = true;
        }
    }

    // Ends the current queue's block (if any).
    void finish() {
        if (queue_ == nullptr) {
            return;
        }
        auto& ids = queue_->process_ids;
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        queue_->processes_complete = processes_announced_ && announced_processes_ == ids.size();
        queue_ = nullptr;
        listing_ = Listing::none;
        announced_processes_ = 0;
        processes_announced_ = false;
    }

  private:
    enum class Listing { none, process_ids, processes };

    HttpRequestQueue* queue_ = nullptr;
    Listing listing_ = Listing::none;
    std::size_t announced_processes_ = 0;
    bool processes_announced_ = false;
};

}  // namespace

std::optional<std::vector<HttpRequestQueue>> parse_http_request_queues(std::string_view text) {
    const auto header_indent = queue_indentation(text);
    if (!header_indent) {
        // No queue at all is a real answer only where the output is recognisably netsh's.
        if (text.find(snapshot_header) != std::string_view::npos) {
            return std::vector<HttpRequestQueue>{};
        }
        return std::nullopt;
    }
    // The reader points at the last queue; each is finished before the next is added.
    std::vector<HttpRequestQueue> queues;
    QueueReader reader;
    for (const std::string_view line : TextLines(text)) {
        const auto content = trim_blanks(line);
        if (content.empty()) {
            continue;
        }
        if (indentation(line) > *header_indent) {
            reader.read(content);
            continue;
        }
        reader.finish();
        if (content.starts_with(queue_label)) {
            HttpRequestQueue queue;
            const auto name = trim_blanks(content.substr(queue_label.size()));
            if (name != unnamed_queue) {
                queue.name = std::string(name);
            }
            queues.push_back(std::move(queue));
            reader.start(queues.back());
        }
    }
    reader.finish();
    return queues;
}

std::optional<std::uint16_t> http_url_port(std::string_view url) {
    std::uint16_t default_port = 0;
    if (starts_with_ignoring_case(url, "http://")) {
        url.remove_prefix(7);
        default_port = 80;
    } else if (starts_with_ignoring_case(url, "https://")) {
        url.remove_prefix(8);
        default_port = 443;
    } else {
        return std::nullopt;
    }
    // The host: a bracketed IPv6 address, or anything up to the port or the path.
    if (url.starts_with('[')) {
        const auto close = url.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        url.remove_prefix(close + 1);
    } else {
        url.remove_prefix(std::min(url.find_first_of(":/"), url.size()));
    }
    if (url.empty() || url.front() == '/') {
        return default_port;
    }
    if (url.front() != ':') {
        return std::nullopt;
    }
    url.remove_prefix(1);
    const auto port = parse_whole_number<std::uint16_t>(url.substr(0, url.find_first_of(":/")));
    if (!port || *port == 0) {
        return std::nullopt;
    }
    return port;
}

std::vector<const HttpRequestQueue*> queues_serving_port(
    const std::vector<HttpRequestQueue>& queues, std::uint16_t port) {
    std::vector<const HttpRequestQueue*> serving;
    for (const auto& queue : queues) {
        if (std::any_of(queue.urls.begin(), queue.urls.end(),
                        [&](const std::string& url) { return http_url_port(url) == port; })) {
            serving.push_back(&queue);
        }
    }
    return serving;
}

}  // namespace port_owner::windows_os
