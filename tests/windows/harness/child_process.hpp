// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "harness/unique_handle.hpp"

#include <windows.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace windows_tests {

// A program started with CreateProcessW, no shell, with its standard input, output and error on
// pipes of its own: the test writes nothing but closes the input when it wants the program to
// end (the port holder's signal), and reads the output and the error apart (the plugin must keep
// its error stream empty).
class ChildProcess {
  public:
    // `arguments` exclude the program itself; `environment` entries are added to (or replace
    // those of) this process's environment.
    ChildProcess(const std::wstring& program, const std::vector<std::wstring>& arguments,
                 const std::map<std::wstring, std::wstring>& environment = {});
    // Ends the program if it still runs: no test leaves a process (or a port) behind.
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    DWORD pid() const { return pid_; }
    HANDLE output() const { return output_.get(); }
    HANDLE error() const { return error_.get(); }

    // One line of standard output without its '\n', or nothing at end of output. Blocks.
    std::optional<std::string> read_output_line();
    void close_input() { input_.reset(); }
    // The exit code, or nothing if the program is still running after `timeout`.
    std::optional<DWORD> wait(std::chrono::milliseconds timeout);
    void kill();

  private:
    UniqueHandle process_;
    UniqueHandle input_;
    UniqueHandle output_;
    UniqueHandle error_;
    DWORD pid_ = 0;
};

}  // namespace windows_tests
