// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace windows_tests {

// A fresh directory under the Windows temporary directory, removed with what it holds when the
// test ends. Paths are full Windows paths.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::wstring& path() const { return path_; }
    std::wstring file(std::wstring_view name) const { return path_ + L"\\" + std::wstring(name); }
    // Writes `bytes` as they are: no newline translation, so CRLF stays CRLF and LF stays LF.
    std::wstring write(std::wstring_view name, std::string_view bytes) const;
    // A copy of `source` named `name` here.
    std::wstring copy(const std::wstring& source, std::wstring_view name) const;

  private:
    std::wstring path_;
};

}  // namespace windows_tests
