// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/learned_allow_list.hpp"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "core/container_name.hpp"
#include "core/holder_description.hpp"
#include "core/output_widths.hpp"
#include "core/text_escape.hpp"

namespace port_owner {

namespace {

// Characters the allow-list file cannot carry in an entry: '#' starts a comment, '+' another
// condition, and the INI reader trims edge blanks and splits lines.
bool unwritable(unsigned char c, bool edge) {
    return c == '#' || c == '+' || c < 0x20 || c == 0x7F || (edge && c == ' ');
}

// The name an admin knows the holder by, in the comments: the basename under the host's
// conventions (C:\...\inetinfo.exe is inetinfo.exe), else comm.
std::string shown_name(const ProcessIdentity& holder, const MatchConventions& conventions) {
    return holder.executable ? std::string(path_basename(*holder.executable, conventions))
                             : holder.comm;
}

// svchost.exe runs many unrelated services, each configured on its own: its path, which every
// svchost shares, would allow them all. The services it hosts name what listens; when it hosts
// several, all of them (joined by '+') must be hosted again, so the entry allows no svchost that
// hosts another set. Empty when the services cannot be written (none known, or a name the file
// cannot carry): then the holder is learned like any other.
std::string service_entry(const ProcessIdentity& holder, const MatchConventions& conventions) {
    if (!conventions.hosted_services || holder.services.empty() || !holder.executable ||
        !program_name_matches("svchost", path_basename(*holder.executable, conventions),
                              conventions)) {
        return {};
    }
    std::set<std::string> names(holder.services.begin(), holder.services.end());
    std::string entry;
    for (const auto& name : names) {
        for (std::size_t i = 0; i < name.size(); ++i) {
            const auto c = static_cast<unsigned char>(name[i]);
            if (unwritable(c, i == 0 || i + 1 == name.size()) || c == '/' || c == '\\') {
                return {};
            }
        }
        entry += (entry.empty() ? "service:" : "+service:") + name;
    }
    return entry;
}

// `user:` for a holder or socket owner whose executable is not known: the uid on Linux; on
// Windows, which has no uids, the SID, which is plain text and names one account for good.
std::string user_entry(std::uint32_t uid, const std::string& sid,
                       const MatchConventions& conventions) {
    if (conventions.accounts == MatchConventions::Accounts::windows && !sid.empty()) {
        return "user:" + sid;
    }
    // On Windows without a SID this numeric entry matches nothing: the listener is not OK until
    // the admin names the account, rather than allowed by a guess.
    return fmt::format("user:{}", uid);
}

// For a port inside the ephemeral range: a socket there is most likely a client's or an RPC
// server's short-lived one, so it is not required. But if it is a service's port, an outgoing
// connection can take it while the service is down, and the service then cannot bind it: the
// admin is told to reserve it. A reserved port is no one's by chance, so it is learned as any
// other.
std::string ephemeral_port_lines(std::uint16_t port, const EphemeralPorts& ephemeral) {
    if (!ephemeral.range.contains(port)) {
        return {};
    }
    const auto range = fmt::format("{}-{}", ephemeral.range.low, ephemeral.range.high);
    if (ephemeral.reserved_known && ephemeral.is_reserved(port)) {
        return fmt::format("# in the ephemeral port range {} but reserved: learned as required\n",
                           range);
    }
    const auto reserve =
        ephemeral.reserve_setting.empty()
            ? std::string("reserve it")
            : fmt::format("reserve it ({})", escape_text(ephemeral.reserve_setting, reason_width));
    return fmt::format(
        "# warning: {} is in the ephemeral port range {}{}: an outgoing connection can take it "
        "while its service is down, which then cannot bind it; for a service's port, {} and "
        "remove the next line\n"
        "required = no  # in the ephemeral port range: likely short-lived\n",
        port, range, ephemeral.reserved_known ? " and not reserved" : "", reserve);
}

// The entry that allows one holder: the socket unit systemd holds it for, its services
// (svchost), the container it runs in (behind a proxy too), its verified executable, else its
// user (NAME never falls back to comm).
std::string learned_entry(const ProcessIdentity& holder, const MatchConventions& conventions,
                          std::set<std::string>& seen) {
    if (!holder.activation.socket_unit.empty()) {
        // systemd confirmed the unit: it names the listener for as long as the unit exists,
        // before and after activation, whatever pid serves it.
        return "unit:" + holder.activation.socket_unit;
    }
    if (auto services = service_entry(holder, conventions); !services.empty()) {
        return services;
    }
    // The name goes into the file as it is: only one an engine accepts (every source checks it,
    // this once more), else the id.
    const bool named = holder.container && is_container_name(holder.container->name);
    if (holder.container && !holder.container->made_by_root) {
        // Its user made it (its cgroup, or with rootless Podman the state that names it): only
        // that user can vouch for it.
        const auto& container = *holder.container;
        seen.insert(fmt::format("pid {}: container {} was made by its user, not by root",
                                holder.pid, container.short_id()));
        return "container:" + (named ? container.name : container.short_id()) + "+" +
               user_entry(holder.uid, holder.user_sid, conventions);
    }
    if (named) {
        return "container:" + holder.container->name;
    }
    if (holder.container) {
        seen.insert(
            fmt::format("pid {}: container {} has no name; its id changes when it is "
                        "recreated",
                        holder.pid, holder.container->short_id()));
        return "container:" + holder.container->short_id();
    }
    // exe: matches only a verified executable, so only such a one is learned.
    if (holder.executable && holder.executable_file == ExecutableFileCheck::same_file) {
        return "exe:" + executable_pattern(*holder.executable, conventions);
    }
    seen.insert(fmt::format("pid {}: executable not verified, allowed by user only", holder.pid));
    return user_entry(holder.uid, holder.user_sid, conventions);
}

// A followed proxy: what runs behind it is learned (behind a proxy behind it too), the container
// by name where it has one (a recreated container keeps its name, not its id). A proxy not
// followed is learned as itself, with why.
void learn_holder(const ProcessIdentity& holder, const MatchConventions& conventions,
                  std::set<std::string>& allow, std::set<std::string>& seen) {
    if (holder.proxy && holder.proxy->problem.empty() && !holder.proxy->holders.empty()) {
        for (const auto& inside : holder.proxy->holders) {
            learn_holder(inside, conventions, allow, seen);
        }
        return;
    }
    if (holder.proxy) {
        seen.insert(fmt::format(
            "pid {}: {} not followed ({}); the proxy itself is allowed, whatever is behind it",
            holder.pid, holder.proxy->proxy, escape_text(holder.proxy->problem, reason_width)));
    }
    allow.insert(learned_entry(holder, conventions, seen));
}

}  // namespace

std::string executable_pattern(const std::string& path, const MatchConventions& conventions) {
    std::string pattern;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const auto c = static_cast<unsigned char>(path[i]);
        const bool edge = i == 0 || i + 1 == path.size();
        if (conventions.backslash_separates && (c == '*' || c == '?' || c == '[')) {
            pattern += '[';
            pattern += static_cast<char>(c);
            pattern += ']';
        } else if (conventions.backslash_separates && c == '\\') {
            pattern += '\\';
        } else if (c == '*' || c == '?' || c == '[' || c == '\\') {
            pattern += '\\';
            pattern += static_cast<char>(c);
        } else if (unwritable(c, edge)) {
            pattern += '?';
        } else {
            pattern += static_cast<char>(c);
        }
    }
    return pattern;
}

std::string format_learned_allow_list(const std::vector<ObservedListener>& listeners,
                                      const EphemeralPorts& ephemeral_ports,
                                      const MatchConventions& conventions) {
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
            auto line = fmt::format("{} {} user {}",
                                    describe_address(listener.socket, AddressForm::without_port),
                                    escape_text(shown_name(holder, conventions), name_width),
                                    escape_text(holder.user, name_width));
            if (!holder.services.empty()) {
                line += fmt::format(
                    " services {}",
                    escape_text(fmt::format("{}", fmt::join(holder.services, ",")), path_width));
            }
            seen.insert(std::move(line));
        }
        for (const auto& holder : listener.holders) {
            learn_holder(holder, conventions, allow, seen);
        }
        if (listener.holders.empty() && listener.socket.socket_owner_known) {
            allow.insert(user_entry(listener.socket.socket_uid, {}, conventions));
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
        text += ephemeral_port_lines(port, ephemeral_ports);
        for (const auto& entry : allow) {
            text += fmt::format("allow = {}\n", entry);
        }
    }
    return text;
}

}  // namespace port_owner
