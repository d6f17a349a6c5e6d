// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <stdexcept>
#include <string>

namespace port_owner {

// Bad input from the caller (an option, a rule, the allow-list file). The message is complete and
// names where the problem is (file and line for the allow-list); main() prints it as the single
// UNKNOWN line and exits 3.
class InputError : public std::runtime_error {
  public:
    explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace port_owner
