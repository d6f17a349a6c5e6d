// SPDX-License-Identifier: GPL-3.0-or-later
#include "windows/process_directory.hpp"

// windows.h first: the other Windows headers rely on its types.
#include <windows.h>

#include <tlhelp32.h>
#include <winsvc.h>

#include <algorithm>

#include "windows/unique_handle.hpp"
#include "windows/wide_text.hpp"

namespace port_owner::windows_os {
namespace {

// A few rounds: services may start between the call that sizes the list and the one that fills it.
constexpr int max_service_list_attempts = 5;

bool read_services(std::multimap<std::uint32_t, std::string>& services) {
    const UniqueServiceHandle manager(
        ::OpenSCManagerW(nullptr, nullptr, SC_MANAGER_ENUMERATE_SERVICE));
    if (!manager.valid()) {
        return false;
    }
    std::vector<unsigned char> buffer;
    for (int attempt = 0; attempt < max_service_list_attempts; ++attempt) {
        DWORD needed = 0;
        DWORD count = 0;
        DWORD resume = 0;
        const BOOL done = ::EnumServicesStatusExW(
            manager.get(), SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE,
            buffer.empty() ? nullptr : buffer.data(), static_cast<DWORD>(buffer.size()), &needed,
            &count, &resume, nullptr);
        if (done) {
            const auto* entries =
                reinterpret_cast<const ENUM_SERVICE_STATUS_PROCESSW*>(buffer.data());
            for (DWORD i = 0; i < count; ++i) {
                const auto pid = entries[i].ServiceStatusProcess.dwProcessId;
                if (pid != 0 && entries[i].lpServiceName != nullptr) {
                    services.emplace(pid, utf8_from_wide(entries[i].lpServiceName));
                }
            }
            return true;
        }
        if (::GetLastError() != ERROR_MORE_DATA) {
            return false;
        }
        buffer.assign(buffer.size() + needed + 4096, 0);
    }
    return false;
}

}  // namespace

ProcessDirectory ProcessDirectory::read() {
    ProcessDirectory directory;
    const UniqueHandle snapshot(::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0));
    if (snapshot.valid()) {
        PROCESSENTRY32W entry{};
        entry.dwSize = sizeof(entry);
        for (BOOL more = ::Process32FirstW(snapshot.get(), &entry); more;
             more = ::Process32NextW(snapshot.get(), &entry)) {
            directory.processes_[entry.th32ProcessID] =
                Entry{entry.th32ParentProcessID, utf8_from_wide(entry.szExeFile)};
        }
    }
    directory.services_known_ = read_services(directory.services_);
    return directory;
}

const ProcessDirectory::Entry* ProcessDirectory::find(std::uint32_t pid) const {
    const auto found = processes_.find(pid);
    return found == processes_.end() ? nullptr : &found->second;
}

std::vector<std::string> ProcessDirectory::services_of(std::uint32_t pid) const {
    std::vector<std::string> names;
    const auto [first, last] = services_.equal_range(pid);
    for (auto it = first; it != last; ++it) {
        names.push_back(it->second);
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace port_owner::windows_os
