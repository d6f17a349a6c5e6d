#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every test of check_port_owner on Debian 12: installs what is missing, builds with warnings
# as errors, checks the formatting (clang-format) and lints the Python tests (flake8), runs every
# test through ctest (unit, integration, and the pytest suites: contract, engines, webview,
# packages, benchmark smoke), fuzzes each parser, and runs the whole suite again under
# AddressSanitizer and UndefinedBehaviorSanitizer. Last, the Windows build: cross-built with
# mingw-w64, its unit tests and the Windows suite run under wine.
# Needs root: the integration tests put each scenario in a private network namespace.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    echo "tests/run_all.sh must run as root (network namespaces, setpriv); try: sudo $0" >&2
    exit 1
fi

packages=(cmake g++ make pkg-config libboost-program-options-dev libfmt-dev libre2-dev libsystemd-dev
          libgtest-dev clang-format iproute2 util-linux libcap2-bin python3 python3-pytest flake8 perl
          libmonitoring-plugin-perl python3-nagiosplugin
          nagios4-core icinga2-bin icinga2-common nagios-nrpe-server nagios-nrpe-plugin
          locales net-tools lsof
          lintian rpm dpkg-dev man-db clang libclang-rt-14-dev
          # The Windows build (packaging/windows/README.md), its wine chroot, and its packages:
          # wixl (from msitools) makes the MSI, msiinfo reads it back.
          g++-mingw-w64-x86-64-posix unicode-data python3-six googletest debootstrap
          wixl msitools zip unzip
          # Container attribution (tests/containers): rootless Podman's port forwarder, pasta;
          # rootless Docker's, rootlesskit, with its slirp4netns network driver.
          # rootless Podman's other one (with slirp4netns), rootlessport, from podman, run by an
          # unprivileged user for real (newuidmap from uidmap; podman only recommends it).
          passt rootlesskit slirp4netns podman uidmap)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    apt-get update -qq
    # Engines' packages try to start services: there is no systemd here, and the tests start
    # their own instances, so a refused start is fine.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
fi
# The webview suite's stack (Icinga Web 2, MariaDB, Apache, Graphite, Chromium): its own list,
# about 1.5 min to install cold.
tests/webview/install.sh
# A decimal-comma locale, to prove perfdata keeps '.' whatever the locale.
if ! locale -a 2>/dev/null | grep -qi '^de_DE.utf8$'; then
    sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
    locale-gen >/dev/null
fi

build_dir=${BUILD_DIR:-build-tests}
echo "== configure and build ($build_dir)"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPORT_OWNER_WERROR=ON >/dev/null
cmake --build "$build_dir" -j2

echo "== clang-format"
mapfile -t sources < <(find check_port_owner tests -name '*.cpp' -o -name '*.hpp' | sort)
clang-format --dry-run -Werror "${sources[@]}"

echo "== flake8 (the Python test suites)"
flake8 --config tests/.flake8 tests

echo "== ctest"
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300

# The same code built as users and distributions build it: Release (-O3, where GCC finds other
# warnings than at -O2) with GCC and with clang; RelWithDebInfo with clang is the sanitizer build
# below. Every warning is an error here, and only here.
for variant in "g++ Release" "clang++ Release"; do
    read -r compiler build_type <<<"$variant"
    variant_dir="$build_dir-$compiler-$build_type"
    echo "== $compiler $build_type: build, unit and integration tests ($variant_dir)"
    cmake -S . -B "$variant_dir" -DCMAKE_BUILD_TYPE="$build_type" \
        -DCMAKE_CXX_COMPILER="$compiler" -DPORT_OWNER_WERROR=ON >/dev/null
    cmake --build "$variant_dir" -j2 --target check_port_owner check_port_owner_fault_injection \
        port_holder unit_tests linux_unit_tests windows_parser_unit_tests integration_tests
    ctest --test-dir "$variant_dir" -L 'unit|integration' -j2 --timeout 300 --output-on-failure
done

echo "== fuzzing (each target ${FUZZ_SECONDS:-30} s)"
PORT_OWNER_WERROR=ON tests/fuzz/run_fuzzers.sh "$build_dir-fuzz" "${FUZZ_SECONDS:-30}"

echo "== the whole test suite again, built with AddressSanitizer and UndefinedBehaviorSanitizer"
tests/sanitize/run_sanitized_tests.sh "$build_dir-sanitize"

echo "== Windows: cross-built with mingw-w64, unit and windows tests under wine ($build_dir-windows)"
tests/windows/run_windows_tests.sh "$build_dir-windows"

# After the Windows build and its tests under wine: the zip and the MSI, installed, run and
# removed under wine.
echo "== Windows packages: zip and MSI ($build_dir-windows)"
tests/windows/msi/test_packages.sh "$build_dir-windows"
