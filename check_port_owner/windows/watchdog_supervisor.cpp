// SPDX-License-Identifier: GPL-3.0-or-later
// The Windows supervisor: no fork, so the check runs on the main thread while a watchdog thread
// holds the deadline. Why it is still safe: Windows has no uninterruptible sleep the watchdog
// could be caught in, and TerminateProcess ends the whole process however the check is stuck.
// What the check prints is captured and relayed only when it agrees with the exit code; a crash
// (an unhandled SEH exception, std::terminate) becomes one UNKNOWN line, exit 3.
#include "platform/platform.hpp"

#include <windows.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "core/report.hpp"
#include "core/state.hpp"
#include "windows/console_output.hpp"

namespace port_owner::platform {
namespace {

// The plugin's output is capped at 8 KiB; anything beyond this is not ours to relay.
constexpr std::size_t max_relayed_bytes = 65536;

// One supervised check per process: the state the watchdog, the crash handlers and the
// output capture share. Guarded by `mutex`.
struct Supervision {
    std::mutex mutex;
    std::condition_variable finished_changed;
    bool active = false;
    bool finished = false;
    // A final answer was claimed: nothing else may be written. Atomic, because a crash handler
    // may find the mutex held and must still not answer twice.
    std::atomic<bool> answered = false;
    // The exit code that goes with the answer written, for a crash after it (a destructor at
    // exit): the process must still end with the code that matches what was printed.
    std::atomic<int> answered_exit_code = 3;
    std::string output;
};

Supervision& supervision() {
    static Supervision state;
    return state;
}

// Ends the process with `line` as its whole answer, unless an answer was already written. Never
// allocates (it may run on a crash or out of memory) and never returns.
[[noreturn]] void answer_and_end(std::string_view line) {
    auto& state = supervision();
    // No lock: the crashing thread may hold the mutex; claiming the answer is enough.
    int code = exit_code(State::unknown);
    if (!state.answered.exchange(true)) {
        windows_os::write_to_standard_output(line);
    } else {
        code = state.answered_exit_code.load();
    }
    ::TerminateProcess(::GetCurrentProcess(), static_cast<UINT>(code));
    std::abort();  // not reached: TerminateProcess does not return for the current process
}

LONG WINAPI on_crash(EXCEPTION_POINTERS* exception) {
    char line[128];
    const auto code = exception != nullptr && exception->ExceptionRecord != nullptr
                          ? exception->ExceptionRecord->ExceptionCode
                          : 0;
    const auto written = fmt::format_to_n(
        line, sizeof(line) - 1,
        "PORT_OWNER UNKNOWN - internal error: the check crashed (exception 0x{:08X})\n", code);
    answer_and_end(std::string_view(line, written.size));
}

[[noreturn]] void on_terminate() {
    answer_and_end("PORT_OWNER UNKNOWN - internal error in the check\n");
}

void watch(unsigned timeout_seconds) {
    auto& state = supervision();
    std::unique_lock lock(state.mutex);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    if (state.finished_changed.wait_until(lock, deadline, [&] { return state.finished; })) {
        return;
    }
    lock.unlock();
    char line[96];
    const auto written = fmt::format_to_n(
        line, sizeof(line) - 1, "PORT_OWNER UNKNOWN - timed out after {} s\n", timeout_seconds);
    answer_and_end(std::string_view(line, written.size));
}

// Always 3, whether or not the line could be written.
int answer_unknown(const std::string& reason) {
    windows_os::write_to_standard_output(format_tool_failure(reason));
    return exit_code(State::unknown);
}

}  // namespace

}  // namespace port_owner::platform

namespace port_owner::windows_os {

bool capture_supervised_output(std::string_view text) {
    auto& state = platform::supervision();
    std::lock_guard lock(state.mutex);
    if (!state.active) {
        return false;
    }
    const auto room = platform::max_relayed_bytes - state.output.size();
    state.output.append(text.substr(0, room));
    return true;
}

}  // namespace port_owner::windows_os

namespace port_owner::platform {

int run_supervised(unsigned timeout_seconds, ExpectedOutput expected,
                   const std::function<int()>& check) {
    auto& state = supervision();
    try {
        state.output.reserve(max_relayed_bytes);  // no allocation while capturing
        {
            std::lock_guard lock(state.mutex);
            state.active = true;
        }
        // A stack overflow leaves the crash handler no stack to run on unless some is kept back.
        ULONG crash_handler_stack = 64 * 1024;
        ::SetThreadStackGuarantee(&crash_handler_stack);
        ::SetUnhandledExceptionFilter(on_crash);
        std::set_terminate(on_terminate);
        std::thread watchdog(watch, timeout_seconds);
        std::optional<int> code;  // none: the check threw
        try {
            code = check();
        } catch (...) {
        }
        std::string output;
        {
            std::lock_guard lock(state.mutex);
            state.finished = true;
            state.active = false;
            output.swap(state.output);
        }
        state.finished_changed.notify_all();
        watchdog.join();
        if (state.answered.exchange(true)) {
            return exit_code(State::unknown);  // the watchdog answered; it also ends the process
        }
        if (!code) {
            return answer_unknown("internal error in the check");
        }
        if (const auto disagreement = answer_disagreement(output, *code, expected)) {
            return answer_unknown(fmt::format("internal error: the check {}", *disagreement));
        }
        state.answered_exit_code = *code;
        return windows_os::write_to_standard_output(output) ? *code : exit_code(State::unknown);
    } catch (...) {
        windows_os::write_to_standard_output(
            "PORT_OWNER UNKNOWN - internal error: the supervisor ran out of resources\n");
        return exit_code(State::unknown);
    }
}

}  // namespace port_owner::platform
