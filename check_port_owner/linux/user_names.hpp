// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace port_owner::linux_os {

// uid -> user name through NSS (getpwuid_r), looked up once per uid per run. A uid without a name
// is shown as its number.
class UserNames {
  public:
    const std::string& name(std::uint32_t uid);

  private:
    std::map<std::uint32_t, std::string> cache_;
};

}  // namespace port_owner::linux_os
