// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/process_identity_reader.hpp"

// windows.h first: the other Windows headers rely on its types.
#include <windows.h>

#include <sddl.h>

#include <vector>

#include <fmt/format.h>

#include "core/match_conventions.hpp"
#include "windows/unique_handle.hpp"
#include "windows/wide_text.hpp"

namespace port_owner::windows_os {
namespace {

// Windows paths may be up to 32,767 UTF-16 units with the \\?\ prefix.
constexpr DWORD max_path_units = 32768;

// Account names are at most 256 characters; domains at most 256 as well.
constexpr DWORD max_account_units = 257;

ProcessIdentity kernel_identity(const ProcessDirectory& directory) {
    ProcessIdentity identity;
    identity.pid = static_cast<int>(system_pid);
    identity.comm = "System";
    if (const auto* entry = directory.find(system_pid)) {
        identity.parent_pid = static_cast<int>(entry->parent_pid);
    }
    identity.executable_problem =
        "the Windows kernel (System, pid 4) holds it: HTTP.sys serves this port for IIS, WinRM "
        "or an HttpListener application, or another kernel driver (SMB, NetBT) does";
    identity.user = "NT AUTHORITY\\SYSTEM";
    identity.user_sid = "S-1-5-18";
    identity.command_line_known = false;
    return identity;
}

std::string describe_open_failure(std::uint32_t pid, const ProcessDirectory& directory,
                                  DWORD error) {
    const auto* entry = directory.find(pid);
    const auto name = entry == nullptr ? std::string("not in the process list") : entry->image_name;
    if (error == ERROR_ACCESS_DENIED) {
        return fmt::format(
            "pid {} ({}) cannot be opened: access denied; run the check as an administrator or "
            "LocalSystem to identify other users' processes",
            pid, name);
    }
    if (error == ERROR_INVALID_PARAMETER) {
        return fmt::format("pid {} ({}) exited before it could be examined", pid, name);
    }
    return fmt::format("pid {} ({}) cannot be opened: Windows error {}", pid, name, error);
}

// Whether the process started after `moment` (FILETIME). Unknown start times count as not after:
// the check is an extra guard, and the socket tables name the owner either way.
bool started_after(HANDLE process, std::uint64_t moment) {
    FILETIME created{};
    FILETIME exited{};
    FILETIME kernel{};
    FILETIME user{};
    if (!::GetProcessTimes(process, &created, &exited, &kernel, &user)) {
        return false;
    }
    const auto started =
        (static_cast<std::uint64_t>(created.dwHighDateTime) << 32) | created.dwLowDateTime;
    return started > moment;
}

}  // namespace

std::string ProcessIdentityReader::account_name(const std::string& sid_text, void* sid) {
    if (const auto known = account_names_.find(sid_text); known != account_names_.end()) {
        return known->second;
    }
    wchar_t name[max_account_units];
    wchar_t domain[max_account_units];
    DWORD name_units = max_account_units;
    DWORD domain_units = max_account_units;
    SID_NAME_USE use{};
    std::string result = sid_text;  // an account without a name is shown by its SID
    if (::LookupAccountSidW(nullptr, sid, name, &name_units, domain, &domain_units, &use)) {
        result = domain_units > 0 ? utf8_from_wide(domain) + "\\" + utf8_from_wide(name)
                                  : utf8_from_wide(name);
    }
    account_names_.emplace(sid_text, result);
    return result;
}

HolderReading ProcessIdentityReader::read(std::uint32_t pid, std::uint64_t owner_since) {
    if (pid == 0) {
        return {std::nullopt, "Windows reported no owning process (pid 0)"};
    }
    if (pid == system_pid) {
        return {kernel_identity(directory_), {}};
    }
    const UniqueHandle process(::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid));
    if (!process.valid()) {
        return {std::nullopt, describe_open_failure(pid, directory_, ::GetLastError())};
    }
    if (owner_since != 0 && started_after(process.get(), owner_since)) {
        const auto* entry = directory_.find(pid);
        return {std::nullopt,
                fmt::format("the process that created the socket has exited; its pid {} now "
                            "belongs to {}, which started later",
                            pid,
                            entry == nullptr ? std::string("another process") : entry->image_name)};
    }
    ProcessIdentity identity;
    identity.pid = static_cast<int>(pid);
    if (const auto* entry = directory_.find(pid)) {
        identity.parent_pid = static_cast<int>(entry->parent_pid);
        identity.comm = entry->image_name;
    }
    std::vector<wchar_t> path(max_path_units);
    DWORD units = max_path_units;
    if (::QueryFullProcessImageNameW(process.get(), 0, path.data(), &units)) {
        identity.executable = utf8_from_wide(std::wstring_view(path.data(), units));
        // The path Windows keeps for the image that runs; there is no per-process view of the
        // file system that could put another file under it.
        identity.executable_file = ExecutableFileCheck::same_file;
        identity.executable_name =
            std::string(path_basename(*identity.executable, MatchConventions::for_windows()));
        if (identity.comm.empty()) {
            identity.comm = identity.executable_name;
        }
    } else {
        identity.executable_problem =
            fmt::format("its image path cannot be read: Windows error {}", ::GetLastError());
    }
    HANDLE raw_token = nullptr;
    if (::OpenProcessToken(process.get(), TOKEN_QUERY, &raw_token)) {
        const UniqueHandle token(raw_token);
        DWORD size = 0;
        ::GetTokenInformation(token.get(), TokenUser, nullptr, 0, &size);
        std::vector<unsigned char> buffer(size);
        if (size > 0 && ::GetTokenInformation(token.get(), TokenUser, buffer.data(), size, &size)) {
            auto* sid = reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid;
            wchar_t* sid_text = nullptr;
            if (::ConvertSidToStringSidW(sid, &sid_text)) {
                identity.user_sid = utf8_from_wide(sid_text);
                ::LocalFree(sid_text);
                identity.user = account_name(identity.user_sid, sid);
            }
        }
    }
    identity.services = directory_.services_of(pid);
    // The command line lives in the process's own memory (its PEB); reading it needs
    // PROCESS_VM_READ and an undocumented layout. Not read: cmdline: entries are undecidable.
    identity.command_line_known = false;
    return {std::move(identity), {}};
}

}  // namespace port_owner::windows_os
