// SPDX-License-Identifier: GPL-3.0-or-later
#include "linux/user_names.hpp"

#include <pwd.h>
#include <unistd.h>

#include <vector>

namespace port_owner::linux_os {

const std::string& UserNames::name(std::uint32_t uid) {
    if (const auto found = cache_.find(uid); found != cache_.end()) {
        return found->second;
    }
    std::vector<char> buffer(16384);
    passwd entry{};
    passwd* result = nullptr;
    std::string name = std::to_string(uid);
    if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &result) == 0 &&
        result != nullptr && result->pw_name != nullptr) {
        name = result->pw_name;
    }
    return cache_.emplace(uid, std::move(name)).first->second;
}

}  // namespace port_owner::linux_os
