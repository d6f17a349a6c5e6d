// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>

namespace integration {

// A fresh directory under the system temporary directory, removed with its content at the end of
// scope. Each test gets its own, so the executables copied into it never clash.
class TempDir {
  public:
    TempDir();
    ~TempDir();

    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

  private:
    std::filesystem::path path_;
};

}  // namespace integration
