// SPDX-License-Identifier: GPL-3.0-or-later
#include "harness/port_holder.hpp"

#include "harness/wide_text.hpp"

#include <chrono>
#include <sstream>

namespace windows_tests {

std::vector<std::wstring> widened(const std::vector<std::string>& texts) {
    std::vector<std::wstring> wide;
    for (const auto& text : texts)
        wide.push_back(widen(text));
    return wide;
}

PortHolder::PortHolder(const std::wstring& executable, const std::vector<std::string>& specs)
    : child_(executable, widened(specs)), spec_count_(specs.size()) {
    // One line per spec: "ready tcp4:127.0.0.1:PORT pid=N", or "failed SPEC STEP ERROR" and
    // nothing after it.
    while (ports_.size() < spec_count_) {
        const auto line = child_.read_output_line();
        if (!line)
            break;
        transcript_ += *line + "\n";
        std::istringstream words(*line);
        std::string verdict, spec, step;
        words >> verdict >> spec;
        if (verdict == "ready") {
            ports_.push_back(
                static_cast<unsigned short>(std::stoul(spec.substr(spec.rfind(':') + 1))));
        } else {
            int error = 0;
            if (verdict == "failed" && words >> step >> error)
                socket_error_ = error;
            break;
        }
    }
}

void PortHolder::stop() {
    child_.close_input();
    if (!child_.wait(std::chrono::seconds(10)))
        child_.kill();
}

}  // namespace windows_tests
