// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/occupant_description.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/holder_description.hpp"
#include "core/output_widths.hpp"
#include "core/text_escape.hpp"

namespace port_owner {
namespace {

std::string kind_text(const PortOccupant& occupant) {
    return occupant.kind == PortOccupant::Kind::bound_not_listening
               ? std::string("bound, not listening")
               : fmt::format("connection {}", connection_state_name(occupant.state));
}

// A connection the kernel keeps after its process closed it (TIME-WAIT above all) has no inode:
// no process could hold it, which is not the same as a holder that could not be seen.
bool held_by_no_process(const PortOccupant& occupant) {
    return occupant.local.socket.inode == 0;
}

std::string where_text(const PortOccupant& occupant) {
    const auto local = describe_address(occupant.local.socket, AddressForm::with_port);
    if (occupant.kind == PortOccupant::Kind::bound_not_listening) {
        return fmt::format("bound, not listening, at {}", local);
    }
    Listener remote;
    remote.address = occupant.remote_address;
    remote.port = occupant.remote_port;
    return fmt::format("connection {} -> {} {}", local,
                       describe_address(remote, AddressForm::with_port),
                       connection_state_name(occupant.state));
}

std::string holder_text(const PortOccupant& occupant, int verbosity) {
    const auto& local = occupant.local;
    if (held_by_no_process(occupant)) {
        return "no process holds it";
    }
    const auto reason = local.attribution_problem.empty()
                            ? std::string("no process holds the socket")
                            : escape_text(local.attribution_problem, reason_width);
    if (local.holders.empty()) {
        return fmt::format("holder not identified (socket owner {}): {}",
                           escape_text(local.socket.socket_user, name_width), reason);
    }
    auto text = fmt::format("by {}", describe_holder(local.holders.front(), verbosity));
    if (local.holders.size() > 1) {
        text += fmt::format(" (+{} more)", local.holders.size() - 1);
    }
    if (!local.holders_complete) {
        text += fmt::format(" [other holders cannot be ruled out: {}]", reason);
    }
    return text;
}

std::string ephemeral_hint(const Occupation& occupation) {
    const auto& ports = occupation.handed_out_ports;
    if (ports.empty()) {
        return {};
    }
    const auto reserve = occupation.reserve_setting.empty()
                             ? std::string("reserve it")
                             : fmt::format("add {} to {}", ports.size() == 1 ? "it" : "them",
                                           escape_text(occupation.reserve_setting, reason_width));
    return fmt::format(
        " ({} {} {} in the ephemeral port range {}-{} and not reserved, so the kernel gives {} to "
        "outgoing connections: {})",
        ports.size() == 1 ? "port" : "ports", fmt::join(ports, ", "),
        ports.size() == 1 ? "is" : "are", occupation.ephemeral_range.low,
        occupation.ephemeral_range.high, ports.size() == 1 ? "it" : "them", reserve);
}

}  // namespace

std::string occupation_summary(const Occupation& occupation) {
    if (occupation.occupants.empty()) {
        return {};
    }
    const auto& first = *occupation.occupants.front();
    std::string text;
    if (!first.local.holders.empty()) {
        const auto& holder = first.local.holders.front();
        text =
            fmt::format(" (in use by {} pid {}: {}", escape_text(holder.display_name(), name_width),
                        holder.pid, kind_text(first));
    } else {
        text = fmt::format(" (in use: {}, {}", kind_text(first),
                           held_by_no_process(first) ? "no process" : "holder not identified");
    }
    if (occupation.occupants.size() > 1) {
        text += fmt::format(" and {} more", occupation.occupants.size() - 1);
    }
    return text + ")";
}

std::string occupation_detail(const Occupation& occupation, int verbosity) {
    if (occupation.occupants.empty()) {
        return {};
    }
    // A stopped server can leave hundreds of connections in TIME-WAIT: a few are named, the rest
    // counted, so one rule cannot crowd the others out of the output.
    const std::size_t shown_limit = verbosity >= 2 ? 10 : 3;
    std::vector<std::string> items;
    for (const auto* occupant : occupation.occupants) {
        if (items.size() == shown_limit) {
            break;
        }
        items.push_back(
            fmt::format("{}, {}", where_text(*occupant), holder_text(*occupant, verbosity)));
    }
    const auto hidden = occupation.occupants.size() - items.size();
    // The count and the hint come before the list, which the line limit may cut.
    const auto count = occupation.occupants.size() > 1
                           ? fmt::format(" by {} sockets", occupation.occupants.size())
                           : std::string();
    return fmt::format("; in use{}{}: {}{}", count, ephemeral_hint(occupation),
                       fmt::join(items, "; "),
                       hidden > 0 ? fmt::format(" (+{} more)", hidden) : std::string());
}

}  // namespace port_owner
