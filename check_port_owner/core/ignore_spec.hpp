// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/ip_address.hpp"
#include "core/rule.hpp"
#include "core/socket_model.hpp"

namespace port_owner {

// Listeners that never count as unlisted (--ignore, `ignore =` in the allow-list file):
// `[PROTO/][ADDR:]PORT[-PORT]` or `[PROTO/]ADDR:*`. Without PROTO both TCP and UDP are meant (the
// typical use, the ephemeral range, is about both). Unlike a rule, an address here is matched
// exactly: `127.0.0.1:*` ignores what is bound to 127.0.0.1, not wildcard listeners.
class IgnoreSpec {
  public:
    static IgnoreSpec parse(std::string_view text);  // throws InputError

    bool matches(const Listener& listener) const;
    const std::string& text() const { return text_; }

  private:
    std::string text_;
    std::optional<Transport> transport_;
    std::optional<Family> family_;
    std::optional<IpAddress> address_;
    PortRange ports_;
};

}  // namespace port_owner
