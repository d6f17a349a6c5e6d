// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/answer_agreement.hpp"
#include "core/match_conventions.hpp"
#include "inventory/inventory.hpp"

// The one interface between the plugin and its operating system. main.cpp and cli/ call only
// this and inventory/inventory.hpp; each platform implements both in its own folder (linux/
// today), and CMake picks the folder from CMAKE_SYSTEM_NAME. Everything a platform does not
// share with the others (how a timeout is enforced, how privilege is given up, which kernel
// interface lists the sockets) stays behind these functions. docs/architecture.md, "Platforms",
// says how to add one.
namespace port_owner::platform {

// --- Process start --------------------------------------------------------------------------

// Whether the signal dispositions a scheduler left (SIGCHLD ignored, say) are reset. Only the
// fault-injection build keeps them, to prove the supervisor copes.
enum class InheritedSignals { reset, keep };

// Puts what the caller handed over at exec into the state the check relies on (standard
// descriptors open, no leaked descriptor, signals, resource limits). Called first thing in
// main(). Returns why the check cannot run at all (a hard limit too low), nullopt otherwise.
std::optional<std::string> prepare_process(InheritedSignals signals);

// The command line as UTF-8, the program's name first: what paths (-C, exe:) and names are
// compared and printed in. On Linux main()'s argv as it is. On Windows main()'s argv is in the
// ANSI code page, which turns most characters into '?' (a CJK file name; 'ü' outside Western
// code pages): the UTF-16 command line is read instead.
std::vector<std::string> utf8_arguments(int argc, char** argv);

// --- Output ---------------------------------------------------------------------------------

// Writes every byte to standard output, unbuffered and without translating line ends. False when
// not every byte could be written. Never allocates, so it can answer an out-of-memory failure.
bool write_to_stdout(std::string_view text);

// --- Privilege ------------------------------------------------------------------------------

// Whether the plugin runs with more privilege than whoever started it (setuid, file
// capabilities, sudo): then files the caller names are read with the caller's rights, and
// messages about their contents are withheld.
bool caller_is_less_privileged();

// Reads a file the caller named (-C, --extra-opts) with the caller's rights; a file larger than
// max_bytes, or not a regular file, is refused. Returns nullopt on success, otherwise why it
// could not be read, as words for a message ("No such file or directory", "larger than 1024
// KiB").
std::optional<std::string> read_caller_file(const std::string& path, std::string& contents,
                                            std::size_t max_bytes);

// Whether a file exists at `path` (for the --extra-opts search; reading it goes through
// read_caller_file).
bool file_exists(const std::string& path);

// The --extra-opts files searched, in order, when the option names no file and the environment
// names none either.
std::span<const std::string_view> default_extra_opts_files();

// The separator of directory lists in the environment (NAGIOS_CONFIG_PATH): ':' on Linux, ';' on
// Windows, where a path itself holds a ':'.
char search_path_separator();

// Irreversibly gives up every privilege, after the inventory and before output is formatted.
// False when any step failed: the caller must then stop, since it may still hold privilege.
[[nodiscard]] bool drop_all_privilege();

// --- Naming ---------------------------------------------------------------------------------

// How this platform names executables and users, which decides what allow entries match (NAME
// and exe: ignore case on Windows, user: takes a SID there): MatchConventions::for_linux() or
// for_windows(). Handed to the verdict and to --learn; the core has no platform of its own.
MatchConventions match_conventions();

// --- Inventory ------------------------------------------------------------------------------

// The values --listener-source accepts on this platform; the first is the default.
std::span<const std::string_view> listener_source_names();

// The --help lines describing --listener-source (each line ends in '\n').
std::string_view listener_source_help();

// The --help lines on what the plugin can see without privilege, and how to grant it.
std::string_view privilege_help();

// The inventory reading listeners through the named source (one of listener_source_names()).
std::unique_ptr<Inventory> make_inventory(std::string_view listener_source);

// --- Supervision ----------------------------------------------------------------------------

// Runs `check` so that the plugin answers within timeout_seconds whatever the check does: a read
// of the OS that never returns, a crash, an exit code that contradicts the printed state (see
// answer_disagreement) all end as one UNKNOWN line with exit code 3. Returns the exit code.
int run_supervised(unsigned timeout_seconds, ExpectedOutput expected,
                   const std::function<int()>& check);

// Fault-injection builds only: never returns, and no signal the process can block interrupts it,
// the way a read stuck in the kernel behaves. Proves that run_supervised still answers on time.
[[noreturn]] void stall_forever();

}  // namespace port_owner::platform
