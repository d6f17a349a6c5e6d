// SPDX-License-Identifier: GPL-3.0-or-later
#include "netns.hpp"

#include "unique_fd.hpp"

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace integration {
namespace {

void bring_loopback_up() {
    // Any socket of the namespace will do as a handle for the interface ioctls.
    const UniqueFd control(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!control.valid()) {
        throw std::system_error(errno, std::generic_category(), "socket() for SIOCSIFFLAGS");
    }
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(control.get(), SIOCGIFFLAGS, &request) != 0) {
        throw std::system_error(errno, std::generic_category(), "ioctl(SIOCGIFFLAGS, lo)");
    }
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    if (ioctl(control.get(), SIOCSIFFLAGS, &request) != 0) {
        throw std::system_error(errno, std::generic_category(), "ioctl(SIOCSIFFLAGS, lo up)");
    }
}

}  // namespace

void enter_private_network_namespace() {
    if (unshare(CLONE_NEWNET) != 0) {
        throw std::system_error(errno, std::generic_category(), "unshare(CLONE_NEWNET)");
    }
    bring_loopback_up();
}

}  // namespace integration
