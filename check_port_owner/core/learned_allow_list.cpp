#include "core/learned_allow_list.hpp"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace port_owner {

std::string executable_pattern(const std::string& path) {
    std::string pattern;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const auto c = static_cast<unsigned char>(path[i]);
        const bool edge = i == 0 || i + 1 == path.size();
        if (c == '*' || c == '?' || c == '[' || c == '\\') {
            pattern += '\\';
            pattern += static_cast<char>(c);
        } else if (c == '#' || c == '+' || c < 0x20 || c == 0x7F || (edge && c == ' ')) {
            pattern += '?';
        } else {
            pattern += static_cast<char>(c);
        }
    }
    return pattern;
}

std::string format_learned_allow_list(const std::vector<ObservedListener>& listeners,
                                      const PortRange& ephemeral_ports) {
    // Keyed by (protocol, port) so the file lists TCP then UDP, each by port.
    std::map<std::pair<Transport, std::uint16_t>, std::set<std::string>> allow_by_port;
    for (const auto& listener : listeners) {
        auto& allow = allow_by_port[{listener.socket.transport, listener.socket.port}];
        for (const auto& holder : listener.holders) {
            if (holder.executable) {
                allow.insert("exe:" + executable_pattern(*holder.executable));
            } else {
                allow.insert(fmt::format("user:{}", holder.uid));
            }
        }
        if (listener.holders.empty()) {
            allow.insert(fmt::format("user:{}", listener.socket.socket_uid));
        }
    }
    std::string text = fmt::format(
        "# Allow-list written by check_port_owner --learn: {} listeners on {} ports.\n"
        "# Check with: check_port_owner -C THIS_FILE\n"
        "missing = critical\n"
        "unexpected = critical\n"
        "unattributed = unknown\n",
        listeners.size(), allow_by_port.size());
    for (const auto& [key, allow] : allow_by_port) {
        const auto& [transport, port] = key;
        text += fmt::format("\n[{}/{}]\n", transport_name(transport), port);
        if (ephemeral_ports.contains(port)) {
            text += "required = no  # in the ephemeral port range: likely short-lived\n";
        }
        for (const auto& entry : allow) {
            text += fmt::format("allow = {}\n", entry);
        }
    }
    return text;
}

}  // namespace port_owner
