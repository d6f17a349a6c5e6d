// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/netsh_runner.hpp"

#include <windows.h>

#include <algorithm>
#include <vector>

#include "windows/unique_handle.hpp"
#include "windows/wide_text.hpp"

namespace port_owner::windows_os {
namespace {

// A server with thousands of URL registrations prints some hundred KiB; more than this is not
// netsh answering the question asked.
constexpr std::size_t max_output_bytes = 4 << 20;
// How often a silent netsh is looked at; the pipe has no wait that a deadline could bound.
constexpr DWORD poll_milliseconds = 10;

bool is_plain_word(std::wstring_view argument) {
    return !argument.empty() && std::all_of(argument.begin(), argument.end(), [](wchar_t c) {
        return (c >= L'a' && c <= L'z') || (c >= L'A' && c <= L'Z') || (c >= L'0' && c <= L'9') ||
               c == L'=' || c == L'.' || c == L'_' || c == L'-';
    });
}

std::optional<std::wstring> system_directory() {
    std::vector<wchar_t> buffer(MAX_PATH);
    for (int attempt = 0; attempt < 2; ++attempt) {
        const UINT length = ::GetSystemDirectoryW(buffer.data(), static_cast<UINT>(buffer.size()));
        if (length == 0) {
            return std::nullopt;
        }
        if (length < buffer.size()) {
            return std::wstring(buffer.data(), length);
        }
        buffer.resize(length + 1);  // the size it asked for, terminator included
    }
    return std::nullopt;
}

// netsh writes in the console's code page (OEM), as a console program does; some Windows tools
// write UTF-16 when redirected instead, which shows as NUL bytes. Only ASCII (labels, numbers,
// URLs) is relied on by the parsers; other characters are carried over as well as they can be.
std::string text_from_console_bytes(const std::string& bytes) {
    if (bytes.find('\0') != std::string::npos && bytes.size() % 2 == 0) {
        std::wstring wide(bytes.size() / 2, L'\0');
        for (std::size_t i = 0; i < wide.size(); ++i) {
            wide[i] = static_cast<wchar_t>(static_cast<unsigned char>(bytes[2 * i]) |
                                           static_cast<unsigned char>(bytes[2 * i + 1]) << 8);
        }
        if (!wide.empty() && wide.front() == 0xFEFF) {
            wide.erase(0, 1);
        }
        return utf8_from_wide(wide);
    }
    const int length = static_cast<int>(bytes.size());
    const int needed = ::MultiByteToWideChar(CP_OEMCP, 0, bytes.data(), length, nullptr, 0);
    if (needed <= 0) {
        return {};
    }
    std::wstring wide(static_cast<std::size_t>(needed), L'\0');
    ::MultiByteToWideChar(CP_OEMCP, 0, bytes.data(), length, wide.data(), needed);
    return utf8_from_wide(wide);
}

// The attribute list that limits what netsh inherits to exactly the handles given: with plain
// inheritance it would get every inheritable handle the plugin holds.
class InheritedHandles {
  public:
    explicit InheritedHandles(std::vector<HANDLE> handles) : handles_(std::move(handles)) {
        SIZE_T size = 0;
        ::InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
        buffer_.resize(size);
        auto* list = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(buffer_.data());
        if (size == 0 || !::InitializeProcThreadAttributeList(list, 1, 0, &size)) {
            return;
        }
        initialized_ = true;
        valid_ = ::UpdateProcThreadAttribute(list, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                             handles_.data(), handles_.size() * sizeof(HANDLE),
                                             nullptr, nullptr) != FALSE;
    }
    ~InheritedHandles() {
        if (initialized_) {
            ::DeleteProcThreadAttributeList(list());
        }
    }
    InheritedHandles(const InheritedHandles&) = delete;
    InheritedHandles& operator=(const InheritedHandles&) = delete;

    bool valid() const { return valid_; }
    LPPROC_THREAD_ATTRIBUTE_LIST list() {
        return reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(buffer_.data());
    }

  private:
    std::vector<HANDLE> handles_;  // must outlive the list, which points into it
    std::vector<unsigned char> buffer_;
    bool initialized_ = false;
    bool valid_ = false;
};

// A job that ends netsh when its handle closes: when this function returns early, and when the
// plugin itself is ended (the watchdog's TerminateProcess closes every handle).
UniqueHandle job_ending_on_close() {
    UniqueHandle job(::CreateJobObjectW(nullptr, nullptr));
    if (!job.valid()) {
        return job;
    }
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    if (!::SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits,
                                   sizeof(limits))) {
        job.reset();
    }
    return job;
}

DWORD milliseconds_until(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() <= 0 ? 0 : static_cast<DWORD>(std::min<long long>(left.count(), 60000));
}

// Reads netsh's output until it closes the pipe. False when the deadline passed or the output
// grew beyond the cap: netsh is then ended by the caller.
bool read_until_closed(HANDLE pipe, HANDLE process, std::chrono::steady_clock::time_point deadline,
                       std::string& output) {
    std::vector<char> chunk(65536);
    for (;;) {
        DWORD available = 0;
        if (!::PeekNamedPipe(pipe, nullptr, 0, nullptr, &available, nullptr)) {
            return ::GetLastError() == ERROR_BROKEN_PIPE;  // closed: everything was read
        }
        if (available > 0) {
            DWORD read = 0;
            const DWORD wanted = std::min<DWORD>(available, static_cast<DWORD>(chunk.size()));
            if (!::ReadFile(pipe, chunk.data(), wanted, &read, nullptr)) {
                return ::GetLastError() == ERROR_BROKEN_PIPE;
            }
            output.append(chunk.data(), read);
            if (output.size() > max_output_bytes) {
                return false;
            }
            continue;
        }
        const DWORD wait = std::min(poll_milliseconds, milliseconds_until(deadline));
        if (wait == 0) {
            return false;
        }
        // Wakes early when netsh exits; the next peek then finds the rest, or the closed pipe.
        ::WaitForSingleObject(process, wait);
    }
}

}  // namespace

std::optional<std::string> run_netsh(std::initializer_list<std::wstring_view> arguments,
                                     std::chrono::steady_clock::time_point deadline) {
    if (!std::all_of(arguments.begin(), arguments.end(), is_plain_word)) {
        return std::nullopt;
    }
    const auto directory = system_directory();
    if (!directory) {
        return std::nullopt;
    }
    const std::wstring program = *directory + L"\\netsh.exe";
    std::wstring command_line = L"\"" + program + L"\"";
    for (const auto argument : arguments) {
        command_line += L' ';
        command_line += argument;
    }

    SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE raw_read = nullptr;
    HANDLE raw_write = nullptr;
    if (!::CreatePipe(&raw_read, &raw_write, &inheritable, 0)) {
        return std::nullopt;
    }
    const UniqueHandle output_read(raw_read);
    UniqueHandle output_write(raw_write);
    if (!::SetHandleInformation(output_read.get(), HANDLE_FLAG_INHERIT, 0)) {
        return std::nullopt;
    }
    UniqueHandle null_input(::CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                          &inheritable, OPEN_EXISTING, 0, nullptr));
    UniqueHandle null_error(::CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                          &inheritable, OPEN_EXISTING, 0, nullptr));
    if (!null_input.valid() || !null_error.valid()) {
        return std::nullopt;
    }
    InheritedHandles inherited({null_input.get(), output_write.get(), null_error.get()});
    if (!inherited.valid()) {
        return std::nullopt;
    }

    STARTUPINFOEXW startup{};
    startup.StartupInfo.cb = sizeof(startup);
    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
    startup.StartupInfo.hStdInput = null_input.get();
    startup.StartupInfo.hStdOutput = output_write.get();
    startup.StartupInfo.hStdError = null_error.get();
    startup.lpAttributeList = inherited.list();
    PROCESS_INFORMATION started{};
    // Suspended until it is in the job, so that not even its first instruction runs outside.
    // The system directory as its current directory: nothing is loaded from wherever the plugin
    // was started.
    if (!::CreateProcessW(program.c_str(), command_line.data(), nullptr, nullptr, TRUE,
                          CREATE_NO_WINDOW | CREATE_SUSPENDED | EXTENDED_STARTUPINFO_PRESENT,
                          nullptr, directory->c_str(), &startup.StartupInfo, &started)) {
        return std::nullopt;
    }
    const UniqueHandle process(started.hProcess);
    const UniqueHandle thread(started.hThread);
    // Only netsh may hold the write end now: the pipe reports "closed" once it exits.
    output_write.reset();
    null_input.reset();
    null_error.reset();

    // Where the plugin already runs in a job that forbids nesting (Windows 7), netsh runs
    // without one; the deadline below still ends it.
    const auto job = job_ending_on_close();
    if (job.valid()) {
        ::AssignProcessToJobObject(job.get(), process.get());
    }
    if (::ResumeThread(thread.get()) == static_cast<DWORD>(-1)) {
        ::TerminateProcess(process.get(), 1);
        return std::nullopt;
    }

    std::string output;
    const bool complete = read_until_closed(output_read.get(), process.get(), deadline, output);
    if (!complete ||
        ::WaitForSingleObject(process.get(), milliseconds_until(deadline)) != WAIT_OBJECT_0) {
        ::TerminateProcess(process.get(), 1);
        return std::nullopt;
    }
    DWORD exit_code = 1;
    if (!::GetExitCodeProcess(process.get(), &exit_code) || exit_code != 0 || output.empty()) {
        return std::nullopt;
    }
    return text_from_console_bytes(output);
}

}  // namespace port_owner::windows_os
