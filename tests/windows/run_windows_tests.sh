#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Windows tests: cross-builds check_port_owner, its core unit tests and the Windows suite
# for Windows x64 with mingw-w64, then runs them all with ctest under wine 10, in the Debian 13
# chroot of wine_chroot.sh (Debian 12's wine 8 cannot tell which process holds a socket).
#
# Usage (root: debootstrap, chroot, namespaces):
#   tests/windows/run_windows_tests.sh [BUILD_DIR]        (default build-windows)
# The mingw libraries (packaging/windows/build_dependencies.sh) and the chroot are cached under
# /var/cache/check_port_owner and rebuilt only when what they are made from changes.
# Needs: g++-mingw-w64-x86-64-posix dpkg-dev unicode-data python3-six googletest debootstrap
# iproute2, and the Linux build's libboost-program-options-dev libre2-dev libfmt-dev.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "$(id -u)" -ne 0 ]; then
    echo "run_windows_tests.sh must run as root (debootstrap, chroot, namespaces)" >&2
    exit 1
fi

build_dir=${1:-build-windows}
step() {
    echo "== windows: $* (${SECONDS}s so far)"
}

step "mingw dependencies"
packaging/windows/build_dependencies.sh

step "configure and build ($build_dir)"
cmake -S . -B "$build_dir" -DCMAKE_TOOLCHAIN_FILE="$PWD/packaging/windows/mingw-w64-x86_64.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DPORT_OWNER_WERROR=ON >/dev/null
cmake --build "$build_dir" -j2

step "wine chroot"
tests/windows/wine_chroot.sh create

step "ctest under wine"
build_dir=$(realpath "$build_dir")
# A private network namespace with only loopback: wine's sockets are the host's, so here no
# service of the machine (or another CI job) can hold a port a test binds, and no test's
# holder can disturb them.
# shellcheck disable=SC2016 # the inner script expands its own arguments
unshare --net -- /bin/bash -euo pipefail -c 'ip link set lo up; exec "$@"' in_private_network \
    tests/windows/wine_chroot.sh run "$build_dir" -- \
    ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300
step "done"
