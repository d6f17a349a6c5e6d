// SPDX-License-Identifier: GPL-3.0-or-later
#include "harness/program_run.hpp"

#include "harness/child_process.hpp"
#include "harness/wide_text.hpp"

#include <thread>

namespace windows_tests {
namespace {

std::string read_to_end(HANDLE pipe) {
    std::string text;
    char buffer[4096];
    DWORD read = 0;
    while (ReadFile(pipe, buffer, sizeof buffer, &read, nullptr) && read > 0)
        text.append(buffer, read);
    return text;
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const ProgramRun& run) {
    out << run.command << "\n  exit code " << run.exit_code
        << (run.ended_by_itself ? "" : " (killed at the deadline)") << " after "
        << run.elapsed.count() << " s\n  stdout:\n"
        << run.output << "\n  stderr:\n"
        << run.errors << "\n";
    return out;
}

ProgramRun run_program(const std::wstring& program, const std::vector<std::string>& arguments,
                       const std::map<std::wstring, std::wstring>& environment,
                       std::chrono::seconds deadline) {
    ProgramRun run;
    run.command = narrow(program);
    std::vector<std::wstring> wide_arguments;
    for (const auto& argument : arguments) {
        run.command += " '" + argument + "'";
        wide_arguments.push_back(widen(argument));
    }

    const auto started = std::chrono::steady_clock::now();
    ChildProcess child(program, wide_arguments, environment);
    child.close_input();
    // Both streams at once, each on its own thread: a program that fills one pipe while we wait
    // on the other would otherwise block forever.
    std::string errors;
    std::thread error_reader([&] { errors = read_to_end(child.error()); });
    std::string output;
    std::thread output_reader([&] { output = read_to_end(child.output()); });

    auto code = child.wait(deadline);
    if (!code)
        child.kill();
    // The pipes close when the program has ended (it starts no children that could keep them).
    output_reader.join();
    error_reader.join();
    run.elapsed = std::chrono::steady_clock::now() - started;
    run.output = std::move(output);
    run.errors = std::move(errors);
    run.ended_by_itself = code.has_value();
    run.exit_code = code ? static_cast<int>(*code) : -1;
    return run;
}

}  // namespace windows_tests
