#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A cached Debian 13 (trixie) chroot with wine, for running the Windows build's tests on Debian 12.
#
# Why a chroot: Debian 12's wine 8 reports owner PID 0 for every socket in GetExtendedTcpTable,
# so it cannot test which process holds a port. Wine >= 9.17 reports the right PID; Debian 13
# ships wine 10. debootstrap needs nothing but Debian's archive, which is all CI can reach.
#
# Usage (as root):
#   wine_chroot.sh create                 build the chroot and wine prefix unless cached
#   wine_chroot.sh run DIR -- CMD [ARG..] run CMD in the chroot, DIR bind-mounted at the same path
#   wine_chroot.sh path                   print the cached chroot's root directory
#
# `run` starts a wineserver first and stops it afterwards, so CMD may be `wine prog.exe` or a
# whole `ctest --test-dir DIR` (cmake's ctest is in the chroot, wine is its emulator).
#
# Environment:
#   WINE_CHROOT_CACHE   cache directory (default /var/cache/check_port_owner/wine-trixie)
#   WINE_CHROOT_MIRROR  Debian mirror (default http://deb.debian.org/debian)
set -euo pipefail

cache=${WINE_CHROOT_CACHE:-/var/cache/check_port_owner/wine-trixie}
mirror=${WINE_CHROOT_MIRROR:-http://deb.debian.org/debian}
suite=trixie
# wine: the loader and wine64 libraries; cmake: for ctest inside the chroot (so test paths and
# the emulator are resolved in one place); procps: `ps` to inspect stray wine processes.
packages=(wine wine64 cmake procps)
# Inside the chroot. Outside $HOME so that no host environment decides where the prefix is.
wine_prefix=/opt/wineprefix
# Anything that changes what is in the cache must change the stamp, so an old cache is rebuilt.
stamp_text="suite=$suite packages=${packages[*]} prefix=$wine_prefix mirror=$mirror version=3"

root=$cache/root
stamp=$cache/stamp

die() { echo "wine_chroot.sh: $*" >&2; exit 1; }

need_root() {
    [[ $(id -u) == 0 ]] || die "must run as root (debootstrap, chroot and mounts need it)"
}

# Environment for every command inside the chroot: a clean one, not the caller's, so a host
# DISPLAY, LANG or WINEPREFIX cannot change what wine does.
chroot_env=(env -i
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    HOME=/root LANG=C.UTF-8 TERM=dumb
    "WINEPREFIX=$wine_prefix"
    # Wine's own debug channels would interleave with the programs' output the tests compare.
    WINEDEBUG=-all
    # No display here: without this wine tries X11 and prints errors for every program.
    DISPLAY=
    # Never offer to download Mono or Gecko: the tests need neither and there is no internet.
    # No winedbg: a crash, or a call of a function wine lacks (GetOwnerModuleFromTcpEntry is
    # one), would start `winedbg --auto`, which waits forever; disabled, the program just ends.
    "WINEDLLOVERRIDES=mscoree,mshtml=;winedbg.exe=d")

# Sets chroot_command to a command that runs "$@" in the chroot at $1, in private mount and
# PID namespaces: with PERSIST 0 the chroot is an overlay whose changes are thrown away; proc,
# sys and dev are mounted and /tmp is a fresh tmpfs. When the command ends, or unshare is
# killed (--kill-child), every process in the PID namespace dies, wine's persistent server
# included, and with them the mount namespace: no mount or process outlives a killed caller.
# Arguments: LOWER_ROOT BIND_DIR|"" READ_ONLY_DIRS(colon-separated)|"" PERSIST(0|1) CMD...
set_chroot_command() {
    local lower=$1 bind=$2 read_only=$3 persist=$4
    shift 4
    # shellcheck disable=SC2016 # the inner script expands its own arguments
    chroot_command=(unshare --mount --propagation private --pid --fork --kill-child --
        /bin/bash -euo pipefail -c '
        lower=$1 bind=$2 read_only=$3 persist=$4
        shift 4
        if [[ $persist == 1 ]]; then
            # Creating the cache: write into it directly.
            target=$lower
        else
            # Running tests: each run starts from the cached state and leaves it untouched, so
            # one test run (wine rewrites its registry on exit) cannot change the next.
            scratch=$(mktemp -d /tmp/wine-chroot.XXXXXX)
            mount -t tmpfs -o mode=0700 tmpfs "$scratch"
            mkdir "$scratch/upper" "$scratch/work" "$scratch/merged"
            mount -t overlay overlay \
                -o "lowerdir=$lower,upperdir=$scratch/upper,workdir=$scratch/work" \
                "$scratch/merged"
            target=$scratch/merged
        fi
        mount -t proc proc "$target/proc"
        mount --rbind /sys "$target/sys"
        # rbind brings /dev/pts and /dev/shm; slave so that nothing here propagates back.
        mount --rbind /dev "$target/dev"
        mount --make-rslave "$target/dev"
        # Wine keeps its server socket under /tmp/.wine-UID: a private /tmp per run.
        mount -t tmpfs -o mode=1777 tmpfs "$target/tmp"
        # Name resolution for apt while creating the chroot.
        cp -L /etc/resolv.conf "$target/etc/resolv.conf" 2>/dev/null || true
        if [[ -n $bind ]]; then
            mkdir -p "$target$bind"
            mount --bind "$bind" "$target$bind"
        fi
        IFS=: read -ra dirs <<<"$read_only"
        for dir in "${dirs[@]}"; do
            mkdir -p "$target$dir"
            mount --bind "$dir" "$target$dir"
            mount -o remount,bind,ro "$target$dir"
        done
        exec chroot "$target" "$@"
    ' in_chroot "$lower" "$bind" "$read_only" "$persist" "$@")
}

in_chroot() {
    set_chroot_command "$@"
    "${chroot_command[@]}"
}

create() {
    need_root
    if [[ -f $stamp && $(<"$stamp") == "$stamp_text" ]]; then
        echo "wine_chroot.sh: cached chroot up to date in $root"
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
    # minbase: apt and dpkg only. The host's keyring verifies trixie's Release file.
    debootstrap --variant=minbase "$suite" "$build/root" "$mirror"
    echo "wine_chroot.sh: debootstrap took $((SECONDS - start)) s"

    start=$SECONDS
    in_chroot "$build/root" "" "" 1 "${chroot_env[@]}" DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${packages[@]}"
    in_chroot "$build/root" "" "" 1 apt-get clean
    echo "wine_chroot.sh: installing wine took $((SECONDS - start)) s"

    start=$SECONDS
    # wineboot creates the prefix (registry, C:\windows); `wineserver -w` waits until it has
    # written everything. The null graphics driver: there is no display, and without it every
    # program start tries X11 and Wayland and prints errors onto the output the tests compare. stdio on /dev/null: wine's services would otherwise keep our pipes.
    in_chroot "$build/root" "" "" 1 "${chroot_env[@]}" /bin/sh -c \
        'wineboot --init </dev/null >/dev/null 2>&1
         wine reg add "HKCU\\Software\\Wine\\Drivers" /v Graphics /d null /f \
             </dev/null >/dev/null 2>&1
         wineserver -w'
    [[ -f $build/root$wine_prefix/system.reg ]] || die "wineboot did not create $wine_prefix"
    # wineboot copies wine's 700 MB of DLLs into C:\windows\system32; hard links to the
    # identical files halve the cache. Runs never write to them (they get an overlay).
    in_chroot "$build/root" "" "" 1 hardlink --ignore-time --quiet \
        /usr/lib/x86_64-linux-gnu/wine "$wine_prefix/drive_c/windows"
    # Nothing installs packages later: the package lists are dead weight in the cache.
    rm -rf "$build/root/var/lib/apt/lists"/*
    echo "wine_chroot.sh: wine prefix initialised in $((SECONDS - start)) s"

    printf '%s' "$stamp_text" >"$build/stamp"
    rm -rf "$cache"
    mv "$build" "$cache"
}

run() {
    need_root
    local bind=$1
    shift
    [[ ${1:-} == -- ]] && shift
    (($# > 0)) || die "run: no command given"
    [[ -d $bind ]] || die "run: $bind is not a directory"
    bind=$(realpath "$bind")
    create >/dev/null
    # gtest_discover_tests(... DISCOVERY_MODE PRE_TEST) makes ctest include a script from the
    # host CMake's module directory by its absolute path: the chroot's ctest must find it there.
    local cmake_roots=(/usr/share/cmake-*)
    local read_only
    read_only=$(IFS=:; echo "${cmake_roots[*]}")
    [[ -d ${cmake_roots[0]} ]] || read_only=""
    # wineserver -p: a persistent server started by us with stdio on /dev/null, and wineboot
    # starts wine's services (services.exe, winedevice, ...) the same way. Otherwise the first
    # program starts them and they inherit that program's pipes, and whoever reads them (ctest,
    # a test harness, gtest discovery) waits for them to close: until a timeout or forever.
    # wineserver -k afterwards ends services and leftover programs; the exit code is the
    # command's. The shell in the chroot keeps "$@" as its own arguments, unquoted by nobody.
    # exec: a signal for this script (a CI or ctest timeout) reaches unshare itself.
    # shellcheck disable=SC2016 # the inner script expands its own arguments
    set_chroot_command "$root" "$bind" "$read_only" 0 "${chroot_env[@]}" /bin/bash -c '
        wineserver -p </dev/null >/dev/null 2>&1
        wineboot </dev/null >/dev/null 2>&1
        cd "$0"
        set +e
        "$@"
        status=$?
        wineserver -k </dev/null >/dev/null 2>&1
        exit $status
    ' "$bind" "$@"
    exec "${chroot_command[@]}"
}

case ${1:-} in
create) create ;;
run)
    (($# >= 2)) || die "usage: $0 run DIR -- CMD [ARG...]"
    shift
    run "$@"
    ;;
path) echo "$root" ;;
*) die "usage: $0 create | run DIR -- CMD [ARG...] | path" ;;
esac
