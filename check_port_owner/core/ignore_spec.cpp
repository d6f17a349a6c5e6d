// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ignore_spec.hpp"

#include <fmt/format.h>

#include "core/input_error.hpp"

namespace port_owner {

IgnoreSpec IgnoreSpec::parse(std::string_view text) {
    IgnoreSpec spec;
    spec.text_ = std::string(text);
    std::string rule_text(text);
    // `ADDR:*` is every port of that address; the rest is the grammar of a rule's port spec.
    if (rule_text.ends_with(":*")) {
        rule_text.replace(rule_text.size() - 1, 1, "1-65535");
    }
    if (rule_text.find('=') != std::string::npos) {
        throw InputError(fmt::format("invalid ignore spec '{}': no '=ALLOW' here", text));
    }
    PortSpec port_spec;
    try {
        port_spec = PortSpec::parse(rule_text);
    } catch (const InputError& error) {
        throw InputError(fmt::format("invalid ignore spec '{}': {}", text, error.what()));
    }
    if (rule_text.find('/') != std::string::npos) {
        spec.transport_ = port_spec.transport;
    }
    spec.family_ = port_spec.family;
    spec.address_ = port_spec.address;
    spec.ports_ = port_spec.ports;
    return spec;
}

bool IgnoreSpec::matches(const Listener& listener) const {
    if (transport_ && *transport_ != listener.transport) {
        return false;
    }
    if (!ports_.contains(listener.port)) {
        return false;
    }
    if (family_ && listener.address.family() != *family_) {
        return false;
    }
    return !address_ || *address_ == listener.address;
}

}  // namespace port_owner
