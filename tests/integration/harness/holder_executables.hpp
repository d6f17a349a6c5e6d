// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

namespace integration {

// Copies the executable `from` to the new file `to` (mode 0755, which must not exist yet) without
// leaking a descriptor of the copy into children started meanwhile (exec of it would fail with
// ETXTBSY). Throws std::system_error.
void copy_executable(const std::filesystem::path& from, const std::filesystem::path& to);

// Copies of port_holder under the names a test needs (nginx, msproxy, evil, ...). The plugin names
// a holder by the basename of the real path of /proc/PID/exe, so each name must be a distinct file,
// not a symlink.
class HolderExecutables {
  public:
    explicit HolderExecutables(std::filesystem::path directory);

    // The copy named `name`, made on first use. Thread-safe. Make every copy a test needs before it
    // starts processes from several threads: a child forked by one thread while another thread
    // still writes a copy would hold the file open for writing, and exec of it would fail with
    // ETXTBSY.
    std::filesystem::path path_for(const std::string& name);

  private:
    std::filesystem::path directory_;
    std::mutex mutex_;
    std::map<std::string, std::filesystem::path> copies_;
};

}  // namespace integration
