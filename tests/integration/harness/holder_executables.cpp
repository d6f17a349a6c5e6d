// SPDX-License-Identifier: GPL-3.0-or-later
#include "holder_executables.hpp"

#include "binary_paths.hpp"
#include "unique_fd.hpp"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace integration {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

// std::filesystem::copy_file does not promise O_CLOEXEC; a descriptor of the copy leaking into a
// child would make exec of the copy fail with ETXTBSY.
void copy_executable(const std::filesystem::path& from, const std::filesystem::path& to) {
    const UniqueFd source(open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (!source.valid())
        throw_errno("open(" + from.string() + ")");
    struct stat source_stat {};
    if (fstat(source.get(), &source_stat) != 0)
        throw_errno("fstat(" + from.string() + ")");

    UniqueFd target(open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755));
    if (!target.valid())
        throw_errno("open(" + to.string() + ")");
    off_t offset = 0;
    while (offset < source_stat.st_size) {
        const ssize_t sent = sendfile(target.get(), source.get(), &offset,
                                      static_cast<std::size_t>(source_stat.st_size - offset));
        if (sent < 0 && errno != EINTR)
            throw_errno("sendfile() to " + to.string());
        if (sent == 0)
            break;
    }
}

HolderExecutables::HolderExecutables(std::filesystem::path directory)
    : directory_(std::move(directory)) {}

std::filesystem::path HolderExecutables::path_for(const std::string& name) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
        throw std::invalid_argument("holder executable name '" + name + "' is not a file name");
    }
    const std::lock_guard lock(mutex_);
    if (const auto found = copies_.find(name); found != copies_.end())
        return found->second;
    const std::filesystem::path copy = directory_ / name;
    copy_executable(kHolderPath, copy);
    return copies_.emplace(name, copy).first->second;
}

}  // namespace integration
