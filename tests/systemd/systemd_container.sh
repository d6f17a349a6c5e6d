#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A real systemd as PID 1 in private PID, mount, network, UTS, IPC and cgroup namespaces, on a
# cached Debian 12 tree, for testing socket activation (a listener held by PID 1 for a .socket
# unit) against the real thing: systemd's own socket handling and its D-Bus API.
#
# Why not a container engine: none is in the CI image, and all this needs is unshare, a fresh
# cgroup2 directory and pivot_root. debootstrap needs nothing but Debian's archive.
#
# Usage (as root):
#   systemd_container.sh create                 build the tree unless cached
#   systemd_container.sh start STATE BIND_DIR   boot systemd on a throw-away copy of the tree,
#                                               BIND_DIR bind-mounted at the same path, and wait
#                                               until it is running; STATE is a new directory
#   systemd_container.sh exec STATE -- CMD...   run CMD in the container's namespaces and root
#   systemd_container.sh stop STATE             end every process of the container
#
# Environment:
#   SYSTEMD_CONTAINER_CACHE   cache directory (default /var/cache/check_port_owner/systemd-bookworm)
#   SYSTEMD_CONTAINER_MIRROR  Debian mirror (default http://deb.debian.org/debian)
set -euo pipefail

cache=${SYSTEMD_CONTAINER_CACHE:-/var/cache/check_port_owner/systemd-bookworm}
mirror=${SYSTEMD_CONTAINER_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
# systemd and dbus: the system under test; the rest are the plugin's runtime libraries (it is
# built on the host, a Debian 12 too, and runs inside) and python3 for the tests' port holders.
packages=(systemd dbus libfmt9 libboost-program-options1.74.0 libre2-9 libsystemd0 python3)
# Units that need hardware or a terminal the container does not have: masked, or boot would
# wait for them or end "degraded".
masked=(getty@.service console-getty.service serial-getty@.service systemd-udevd.service
    systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-udev-trigger.service
    systemd-udev-settle.service systemd-hwdb-update.service systemd-journald-audit.socket
    systemd-remount-fs.service sys-kernel-config.mount sys-kernel-debug.mount
    sys-kernel-tracing.mount dev-hugepages.mount dev-mqueue.mount systemd-modules-load.service
    systemd-sysctl.service systemd-firstboot.service systemd-logind.service
    apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer)
# Anything that changes what is in the cache must change the stamp, so an old cache is rebuilt.
stamp_text="suite=$suite packages=${packages[*]} masked=${masked[*]} mirror=$mirror version=1"

root=$cache/root
stamp=$cache/stamp

die() { echo "systemd_container.sh: $*" >&2; exit 1; }

need_root() {
    [[ $(id -u) == 0 ]] || die "must run as root (debootstrap, namespaces and mounts need it)"
}

create() {
    need_root
    if [[ -f $stamp && $(<"$stamp") == "$stamp_text" ]]; then
        return 0
    fi
    command -v debootstrap >/dev/null || die "debootstrap missing (apt-get install debootstrap)"
    mkdir -p "$(dirname "$cache")"
    # Two CI jobs on one machine must not build the same cache at once: the second waits and
    # then finds the first one's result.
    exec {lock}>"$cache.lock"
    flock "$lock"
    if [[ -f $stamp && $(<"$stamp") == "$stamp_text" ]]; then
        return 0
    fi
    # Build beside the cache and rename at the end: an interrupted build never looks finished.
    local build=$cache.build
    rm -rf "$build"
    mkdir -p "$build"
    local start=$SECONDS
    local include
    include=$(IFS=,; echo "${packages[*]}")
    debootstrap --variant=minbase --include="$include" "$suite" "$build/root" "$mirror" \
        >"$build/debootstrap.log" 2>&1 || { tail -20 "$build/debootstrap.log" >&2; die "debootstrap failed"; }
    for unit in "${masked[@]}"; do
        ln -sfn /dev/null "$build/root/etc/systemd/system/$unit"
    done
    # No machine id: systemd makes a transient one at each boot, as in any container.
    : >"$build/root/etc/machine-id"
    rm -rf "$build/root/var/lib/apt/lists"/* "$build/root/var/cache/apt"/*.bin
    echo "systemd_container.sh: tree made in $((SECONDS - start)) s"
    printf '%s' "$stamp_text" >"$build/stamp"
    rm -rf "$cache"
    mv "$build" "$cache"
}

# The host PID of the container's systemd: the only child of unshare.
init_pid() {
    local state=$1 unshare_pid
    unshare_pid=$(<"$state/unshare.pid")
    local children
    children=$(cat "/proc/$unshare_pid/task/$unshare_pid/children" 2>/dev/null || true)
    [[ -n $children ]] || return 1
    echo "${children%% *}"
}

in_container() {
    local state=$1
    shift
    local pid
    pid=$(init_pid "$state") || die "the container in $state is not running"
    # From /, which exists on both sides: the caller's directory may not exist in there.
    cd /
    nsenter --target "$pid" --mount --uts --ipc --net --pid --cgroup --root --wd=/ \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 HOME=/root "$@"
}

start() {
    need_root
    local state=$1 bind=$2
    [[ -d $bind ]] || die "start: $bind is not a directory"
    bind=$(realpath "$bind")
    create
    mkdir "$state"
    state=$(realpath "$state")
    # A fresh cgroup2 directory: the container's cgroup namespace is rooted there, and systemd
    # manages the subtree as its own. On a hybrid host the cgroup2 tree is at .../unified.
    local cgroup_root=/sys/fs/cgroup
    [[ $(stat -fc %T "$cgroup_root") == cgroup2fs ]] || cgroup_root=/sys/fs/cgroup/unified
    [[ $(stat -fc %T "$cgroup_root") == cgroup2fs ]] || die "no cgroup2 hierarchy mounted"
    local cgroup=$cgroup_root/check_port_owner-systemd-$$-$RANDOM
    mkdir "$cgroup"
    echo "$cgroup" >"$state/cgroup"
    # Everything the container writes goes to a tmpfs overlay: the cached tree stays as built.
    mkdir "$state/overlay"
    mount -t tmpfs -o mode=0755 tmpfs "$state/overlay"
    mkdir "$state/overlay/upper" "$state/overlay/work" "$state/overlay/merged"
    mount -t overlay overlay \
        -o "lowerdir=$root,upperdir=$state/overlay/upper,workdir=$state/overlay/work" \
        "$state/overlay/merged"
    local target=$state/overlay/merged
    # setsid: the container is its own process group, which stop ends as a whole.
    # shellcheck disable=SC2016 # the inner script expands its own arguments
    setsid /bin/bash -c '
        echo $$ >"$1/cgroup.procs"
        exec unshare --pid --fork --kill-child --mount --net --uts --ipc --cgroup \
            --propagation private /bin/bash -euo pipefail -c "$3" boot "$2" "$4"
    ' start "$cgroup" "$target" '
        target=$1 bind=$2
        # pivot_root needs the new root to be a mount point of this namespace.
        mount --bind "$target" "$target"
        mount -t proc proc "$target/proc"
        mount -t sysfs -o ro sysfs "$target/sys"
        mount -t cgroup2 cgroup2 "$target/sys/fs/cgroup"
        mount -t tmpfs -o mode=0755,nosuid tmpfs "$target/dev"
        for node in null zero full random urandom tty; do
            : >"$target/dev/$node"
            mount --bind "/dev/$node" "$target/dev/$node"
        done
        mkdir "$target/dev/pts" "$target/dev/shm"
        mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$target/dev/pts"
        ln -s pts/ptmx "$target/dev/ptmx"
        mount -t tmpfs -o mode=1777 tmpfs "$target/dev/shm"
        mount -t tmpfs -o mode=0755 tmpfs "$target/run"
        mount -t tmpfs -o mode=1777 tmpfs "$target/tmp"
        mkdir -p "$target$bind"
        mount --bind "$bind" "$target$bind"
        hostname systemd-test
        cd "$target"
        mkdir -p .old-root
        pivot_root . .old-root
        umount -l /.old-root
        rmdir /.old-root
        exec env -i container=check-port-owner-test /lib/systemd/systemd
    ' "$bind" >"$state/console.log" 2>&1 </dev/null &
    # setsid forks no child when it is not a group leader already: its pid is unshare's.
    local unshare_pid=$!
    echo "$unshare_pid" >"$state/unshare.pid"
    local deadline=$((SECONDS + 60))
    until init_pid "$state" >/dev/null 2>&1 &&
        [[ $(readlink "/proc/$(init_pid "$state")/exe" 2>/dev/null) == */systemd ]]; do
        ((SECONDS < deadline)) || { tail -20 "$state/console.log" >&2; die "systemd did not start"; }
        kill -0 "$unshare_pid" 2>/dev/null || { tail -20 "$state/console.log" >&2; die "boot failed"; }
        sleep 0.1
    done
    local status=""
    until [[ $status == running || $status == degraded ]]; do
        ((SECONDS < deadline)) || {
            in_container "$state" systemctl --failed --no-pager >&2 || true
            die "systemd is '$status' after 60 s"
        }
        sleep 0.2
        status=$(in_container "$state" systemctl is-system-running 2>/dev/null || true)
    done
    [[ $status == running ]] || {
        in_container "$state" systemctl --failed --no-pager >&2 || true
        die "systemd booted degraded"
    }
}

stop() {
    local state=$1
    [[ -d $state ]] || return 0
    if [[ -f $state/unshare.pid ]]; then
        local unshare_pid
        unshare_pid=$(<"$state/unshare.pid")
        # unshare --kill-child: killing unshare kills the container's PID 1, and with it every
        # process of the PID namespace.
        if kill -0 "$unshare_pid" 2>/dev/null; then
            kill -KILL "$unshare_pid" 2>/dev/null || true
            local deadline=$((SECONDS + 10))
            while kill -0 "$unshare_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
        fi
    fi
    if [[ -f $state/cgroup ]]; then
        local cgroup
        cgroup=$(<"$state/cgroup")
        # systemd made sub-cgroups; they are empty once the namespace is gone. Deepest first.
        local deadline=$((SECONDS + 10))
        while [[ -d $cgroup ]] && ((SECONDS < deadline)); do
            find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null || sleep 0.1
        done
    fi
    umount -l "$state/overlay/merged" 2>/dev/null || true
    umount -l "$state/overlay" 2>/dev/null || true
    rm -rf "$state"
}

case ${1:-} in
create) create ;;
start)
    (($# == 3)) || die "usage: $0 start STATE BIND_DIR"
    start "$2" "$3"
    ;;
exec)
    if (($# < 4)) || [[ $3 != -- ]]; then
        die "usage: $0 exec STATE -- CMD [ARG...]"
    fi
    state=$2
    shift 3
    in_container "$state" "$@"
    ;;
stop)
    (($# == 2)) || die "usage: $0 stop STATE"
    stop "$2"
    ;;
*) die "usage: $0 create | start STATE BIND_DIR | exec STATE -- CMD... | stop STATE" ;;
esac
