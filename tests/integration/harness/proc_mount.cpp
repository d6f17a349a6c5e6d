// SPDX-License-Identifier: GPL-3.0-or-later
#include "proc_mount.hpp"

#include <sched.h>
#include <sys/mount.h>

#include <cerrno>
#include <system_error>

namespace integration {

PrivateProcMount::PrivateProcMount(const std::string& options) {
    if (unshare(CLONE_NEWNS) != 0)
        throw std::system_error(errno, std::generic_category(), "unshare(CLONE_NEWNS)");
    // Otherwise the new /proc could propagate back to the host's mount namespace. In a chroot
    // (sbuild, pbuilder) "/" is not a mount point and cannot be made private (EINVAL); the /proc
    // mount the new one stacks on is then the one whose propagation matters.
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 &&
        (errno != EINVAL || mount(nullptr, "/proc", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)) {
        throw std::system_error(errno, std::generic_category(),
                                "mount --make-rprivate / (or /proc, in a chroot)");
    }
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, options.c_str()) != 0) {
        throw std::system_error(errno, std::generic_category(),
                                "mount -t proc -o " + options + " proc /proc");
    }
}

PrivateProcMount::~PrivateProcMount() {
    umount2("/proc", MNT_DETACH);  // uncovers the original /proc; the namespace stays private
}

}  // namespace integration
