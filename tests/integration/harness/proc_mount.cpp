#include "proc_mount.hpp"

#include <sched.h>
#include <sys/mount.h>

#include <cerrno>
#include <system_error>

namespace integration {

PrivateProcMount::PrivateProcMount(const std::string& options) {
    if (unshare(CLONE_NEWNS) != 0)
        throw std::system_error(errno, std::generic_category(), "unshare(CLONE_NEWNS)");
    // Otherwise the new /proc could propagate back to the host's mount namespace.
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        throw std::system_error(errno, std::generic_category(), "mount --make-rprivate /");
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
