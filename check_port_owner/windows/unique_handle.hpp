// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <windows.h>
#include <winsvc.h>

namespace port_owner::windows_os {

// Owns one Windows handle and closes it once. Windows has two "no handle" values (nullptr from
// OpenProcess, INVALID_HANDLE_VALUE from CreateFile and CreateToolhelp32Snapshot); both count as
// empty. Service-manager handles have their own type and close function.
template <typename Handle, BOOL(WINAPI* close)(Handle)>
class BasicUniqueHandle {
  public:
    BasicUniqueHandle() = default;
    explicit BasicUniqueHandle(Handle handle) : handle_(handle) {}
    ~BasicUniqueHandle() { reset(); }
    BasicUniqueHandle(BasicUniqueHandle&& other) noexcept : handle_(other.handle_) {
        other.handle_ = nullptr;
    }
    BasicUniqueHandle& operator=(BasicUniqueHandle&& other) noexcept {
        if (this != &other) {
            reset();
            handle_ = other.handle_;
            other.handle_ = nullptr;
        }
        return *this;
    }
    BasicUniqueHandle(const BasicUniqueHandle&) = delete;
    BasicUniqueHandle& operator=(const BasicUniqueHandle&) = delete;

    Handle get() const { return handle_; }
    bool valid() const {
        return handle_ != nullptr && reinterpret_cast<HANDLE>(handle_) != INVALID_HANDLE_VALUE;
    }
    void reset() {
        if (valid()) {
            close(handle_);
        }
        handle_ = nullptr;
    }

  private:
    Handle handle_ = nullptr;
};

using UniqueHandle = BasicUniqueHandle<HANDLE, ::CloseHandle>;
using UniqueServiceHandle = BasicUniqueHandle<SC_HANDLE, ::CloseServiceHandle>;

}  // namespace port_owner::windows_os
