// SPDX-License-Identifier: GPL-3.0-or-later
#include "harness/child_process.hpp"

#include "harness/command_line.hpp"
#include "harness/wide_text.hpp"

#include <stdexcept>

namespace windows_tests {
namespace {

std::runtime_error windows_error(const char* what) {
    return std::runtime_error(std::string(what) + " failed: error " +
                              std::to_string(GetLastError()));
}

// A pipe whose `child_end` (read for input, write for output) is inheritable and whose other
// end is not: the child must not hold our end open, or we would never see end of file.
struct Pipe {
    UniqueHandle parent_end;
    UniqueHandle child_end;
};

Pipe make_pipe(bool child_reads) {
    SECURITY_ATTRIBUTES inheritable{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
    HANDLE read_end = nullptr;
    HANDLE write_end = nullptr;
    if (!CreatePipe(&read_end, &write_end, &inheritable, 0))
        throw windows_error("CreatePipe");
    Pipe pipe;
    pipe.parent_end = UniqueHandle(child_reads ? write_end : read_end);
    pipe.child_end = UniqueHandle(child_reads ? read_end : write_end);
    SetHandleInformation(pipe.parent_end.get(), HANDLE_FLAG_INHERIT, 0);
    return pipe;
}

// This process's environment with `changes` applied, as CreateProcessW wants it: NAME=VALUE
// strings, each ended by L'\0', the block ended by another. Names compare case-insensitively.
std::wstring environment_block(const std::map<std::wstring, std::wstring>& changes) {
    std::wstring block;
    const auto is_changed = [&](std::wstring_view entry) {
        const auto equals = entry.find(L'=', 1);  // "=C:=C:\..." entries start with '='
        const auto name = entry.substr(0, equals);
        for (const auto& [changed, value] : changes) {
            if (CompareStringOrdinal(name.data(), static_cast<int>(name.size()), changed.data(),
                                     static_cast<int>(changed.size()), TRUE) == CSTR_EQUAL)
                return true;
        }
        return false;
    };
    wchar_t* const current = GetEnvironmentStringsW();
    for (const wchar_t* entry = current; *entry != L'\0'; entry += wcslen(entry) + 1) {
        if (!is_changed(entry))
            block.append(entry).push_back(L'\0');
    }
    FreeEnvironmentStringsW(current);
    for (const auto& [name, value] : changes)
        block.append(name).append(L"=").append(value).push_back(L'\0');
    block.push_back(L'\0');
    return block;
}

}  // namespace

ChildProcess::ChildProcess(const std::wstring& program, const std::vector<std::wstring>& arguments,
                           const std::map<std::wstring, std::wstring>& environment) {
    Pipe input = make_pipe(true);
    Pipe output = make_pipe(false);
    Pipe error = make_pipe(false);

    STARTUPINFOW startup{};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = input.child_end.get();
    startup.hStdOutput = output.child_end.get();
    startup.hStdError = error.child_end.get();

    std::vector<std::wstring> argv{program};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    std::wstring line = command_line(argv);
    std::wstring block = environment_block(environment);
    PROCESS_INFORMATION started{};
    // The program by its path, never looked up: the command line is only what it reads as argv.
    if (!CreateProcessW(program.c_str(), line.data(), nullptr, nullptr, TRUE,
                        CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW, block.data(), nullptr,
                        &startup, &started))
        throw windows_error(("CreateProcessW " + narrow(program)).c_str());
    CloseHandle(started.hThread);
    process_ = UniqueHandle(started.hProcess);
    pid_ = started.dwProcessId;
    input_ = std::move(input.parent_end);
    output_ = std::move(output.parent_end);
    error_ = std::move(error.parent_end);
    // input.child_end and the others close here: only the child holds them now.
}

ChildProcess::~ChildProcess() {
    close_input();
    if (process_ && !wait(std::chrono::milliseconds(0)))
        kill();
}

std::optional<std::string> ChildProcess::read_output_line() {
    std::string line;
    for (;;) {
        char c = 0;
        DWORD read = 0;
        if (!ReadFile(output_.get(), &c, 1, &read, nullptr) || read == 0)
            return line.empty() ? std::nullopt : std::optional(line);
        if (c == '\n')
            return line;
        line += c;
    }
}

std::optional<DWORD> ChildProcess::wait(std::chrono::milliseconds timeout) {
    if (WaitForSingleObject(process_.get(), static_cast<DWORD>(timeout.count())) != WAIT_OBJECT_0)
        return std::nullopt;
    DWORD code = 0;
    GetExitCodeProcess(process_.get(), &code);
    return code;
}

void ChildProcess::kill() {
    TerminateProcess(process_.get(), 255);
    WaitForSingleObject(process_.get(), INFINITE);
}

}  // namespace windows_tests
