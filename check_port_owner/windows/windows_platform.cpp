// SPDX-License-Identifier: GPL-3.0-or-later
// The platform interface on Windows. The supervisor is in watchdog_supervisor.cpp.
#include "platform/platform.hpp"

#include <windows.h>

#include <shellapi.h>

#include <fmt/format.h>

#include "core/input_error.hpp"
#include "windows/console_output.hpp"
#include "windows/unique_handle.hpp"
#include "windows/wide_text.hpp"
#include "windows/windows_inventory.hpp"

namespace port_owner::platform {
namespace {

constexpr std::string_view source_names[] = {"auto"};

std::string describe_file_error(DWORD error) {
    switch (error) {
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND:
        case ERROR_INVALID_NAME:
            return "No such file or directory";
        case ERROR_ACCESS_DENIED:
            return "Permission denied";
        case ERROR_SHARING_VIOLATION:
            return "the file is in use by another program";
        default:
            return fmt::format("Windows error {}", error);
    }
}

}  // namespace

std::optional<std::string> prepare_process(InheritedSignals) {
    // A crash or a missing drive must never open a dialog box: the agent runs the plugin as a
    // service, where nobody would click it away and the check would hang until killed.
    ::SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX | SEM_NOOPENFILEERRORBOX);
    // Signals, descriptors and resource limits as Linux knows them do not exist here: a Windows
    // child inherits only the handles it was given explicitly.
    return std::nullopt;
}

std::vector<std::string> utf8_arguments(int argc, char** argv) {
    int count = 0;
    LPWSTR* const wide = ::CommandLineToArgvW(::GetCommandLineW(), &count);
    if (wide == nullptr) {
        // Out of memory, and nothing better to go on: the ANSI arguments.
        return {argv, argv + argc};
    }
    std::vector<std::string> arguments;
    arguments.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        arguments.push_back(windows_os::utf8_from_wide(wide[i]));
    }
    ::LocalFree(wide);
    return arguments;
}

bool write_to_stdout(std::string_view text) {
    if (windows_os::capture_supervised_output(text)) {
        return true;
    }
    return windows_os::write_to_standard_output(text);
}

bool caller_is_less_privileged() {
    // A Windows program never gains rights at start (no setuid, no file capabilities): it runs
    // with the token of whoever started it.
    return false;
}

std::optional<std::string> read_caller_file(const std::string& path, std::string& contents,
                                            std::size_t max_bytes) {
    const windows_os::UniqueHandle file(::CreateFileW(
        windows_os::wide_from_utf8(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
        nullptr, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
    if (!file.valid()) {
        return describe_file_error(::GetLastError());
    }
    BY_HANDLE_FILE_INFORMATION information{};
    if (::GetFileType(file.get()) != FILE_TYPE_DISK ||
        !::GetFileInformationByHandle(file.get(), &information) ||
        (information.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
        return "not a regular file";
    }
    const auto size =
        (static_cast<std::uint64_t>(information.nFileSizeHigh) << 32) | information.nFileSizeLow;
    if (size > max_bytes) {
        return fmt::format("larger than {} KiB", max_bytes / 1024);
    }
    contents.assign(static_cast<std::size_t>(size), '\0');
    std::size_t filled = 0;
    while (filled < contents.size()) {
        DWORD got = 0;
        const auto want = static_cast<DWORD>(contents.size() - filled);
        if (!::ReadFile(file.get(), contents.data() + filled, want, &got, nullptr)) {
            return describe_file_error(::GetLastError());
        }
        if (got == 0) {
            break;  // the file shrank while it was read
        }
        filled += got;
    }
    contents.resize(filled);
    return std::nullopt;
}

bool file_exists(const std::string& path) {
    return ::GetFileAttributesW(windows_os::wide_from_utf8(path).c_str()) !=
           INVALID_FILE_ATTRIBUTES;
}

std::span<const std::string_view> default_extra_opts_files() {
    // The Monitoring Plugins define no Windows locations; --extra-opts needs @FILE there, or
    // MP_CONFIG_FILE.
    return {};
}

char search_path_separator() {
    return ';';  // "C:\..." holds a ':'
}

bool drop_all_privilege() {
    return true;  // nothing was gained at start (see caller_is_less_privileged)
}

std::span<const std::string_view> listener_source_names() {
    return source_names;
}

std::string_view listener_source_help() {
    return "      --listener-source auto\n"
           "                          GetExtendedTcpTable and GetExtendedUdpTable (the\n"
           "                          only source on Windows)\n";
}

std::string_view privilege_help() {
    return "Without administrator rights, processes of other users (services) cannot\n"
           "be opened: their listeners are UNATTRIBUTED. Run the agent as LocalSystem\n"
           "or an administrator to identify them.\n";
}

MatchConventions match_conventions() {
    return MatchConventions::for_windows();
}

std::unique_ptr<Inventory> make_inventory(std::string_view listener_source) {
    if (listener_source != source_names[0]) {
        throw InputError(fmt::format("invalid listener source '{}'", listener_source));
    }
    return std::make_unique<windows_os::WindowsInventory>();
}

void stall_forever() {
    while (true) {
        ::Sleep(INFINITE);
    }
}

}  // namespace port_owner::platform
