// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/learned_allow_list.hpp"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/holder_description.hpp"
#include "core/output_widths.hpp"
#include "core/text_escape.hpp"

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
    // What was seen, as comments, so the admin can review the file before trusting it.
    std::map<std::pair<Transport, std::uint16_t>, std::set<std::string>> seen_by_port;
    for (const auto& listener : listeners) {
        const std::pair key{listener.socket.transport, listener.socket.port};
        auto& allow = allow_by_port[key];
        auto& seen = seen_by_port[key];
        if (listener.holders.empty()) {
            seen.insert(fmt::format("{} socket owner {}, holder not identified",
                                    describe_address(listener.socket, AddressForm::without_port),
                                    escape_text(listener.socket.socket_user, name_width)));
        }
        for (const auto& holder : listener.holders) {
            seen.insert(fmt::format("{} {} user {}",
                                    describe_address(listener.socket, AddressForm::without_port),
                                    escape_text(holder.display_name(), name_width),
                                    escape_text(holder.user, name_width)));
        }
        for (const auto& holder : listener.holders) {
            // exe: matches only a verified executable, so only such a one is learned; for any
            // other the user is what can be known (NAME never falls back to comm).
            if (holder.executable && holder.executable_file == ExecutableFileCheck::same_file) {
                allow.insert("exe:" + executable_pattern(*holder.executable));
            } else {
                seen.insert(fmt::format("pid {}: executable not verified, allowed by user only",
                                        holder.pid));
                allow.insert(fmt::format("user:{}", holder.uid));
            }
        }
        if (listener.holders.empty() && listener.socket.socket_owner_known) {
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
        if (allow.empty()) {
            // Nothing identifies the holder (no holder seen, no socket owner reported): a section
            // without allow lines would allow any program, so the port is left to the admin.
            text +=
                fmt::format("\n# {}/{}: not learned, nobody could be identified as its holder\n",
                            transport_name(transport), port);
            for (const auto& line : seen_by_port[key]) {
                text += fmt::format("# {}\n", line);
            }
            continue;
        }
        text += fmt::format("\n[{}/{}]\n", transport_name(transport), port);
        for (const auto& line : seen_by_port[key]) {
            text += fmt::format("# {}\n", line);
        }
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
