#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds check_port_owner for Windows x64 and packages it, on Debian 12:
#   packaging/windows/build_packages.sh [--no-build] BUILD_DIR OUT_DIR
# writes into OUT_DIR
#   check_port_owner.exe                              the plugin, one static executable
#   check_port_owner-VERSION-windows-x64.zip          it, README.md, LICENSE.txt, examples\
#   check_port_owner-VERSION-windows-x64.msi          the same files, installed per machine in
#                                                     C:\Program Files\check_port_owner\
# VERSION is the CMake project version. BUILD_DIR is a Windows build directory: configured here
# (Release, with mingw-w64-x86_64.cmake, after build_dependencies.sh) when it does not exist yet,
# then `check_port_owner` is built in it. --no-build packages what BUILD_DIR holds, as the
# `windows_packages` target of that build does (a build must not start another in itself).
#
# Needs: what build_dependencies.sh needs, wixl (Debian package wixl, from msitools) and zip.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
wxs=$here/check_port_owner.wxs

die() { echo "build_packages.sh: $*" >&2; exit 1; }

build=1
if [[ ${1:-} == --no-build ]]; then
    build=0
    shift
fi
(($# == 2)) || die "usage: $0 [--no-build] BUILD_DIR OUT_DIR"
build_dir=$(realpath -m "$1")
out_dir=$(realpath -m "$2")

command -v wixl >/dev/null || die "wixl missing (apt-get install wixl)"
command -v zip >/dev/null || die "zip missing (apt-get install zip)"

if ((build)); then
    if [[ ! -f $build_dir/CMakeCache.txt ]]; then
        "$here/build_dependencies.sh"
        cmake -S "$source_dir" -B "$build_dir" -DCMAKE_TOOLCHAIN_FILE="$here/mingw-w64-x86_64.cmake" \
            -DCMAKE_BUILD_TYPE=Release -DPORT_OWNER_BUILD_TESTS=OFF
    fi
    cmake --build "$build_dir" -j"${JOBS:-2}" --target check_port_owner
fi

cache=$build_dir/CMakeCache.txt
[[ -f $cache ]] || die "$build_dir is not a CMake build directory"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$cache")
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "no project version in $cache"
exe=$build_dir/check_port_owner/check_port_owner.exe
[[ -f $exe ]] || die "$exe missing: not a Windows build (mingw-w64-x86_64.cmake), or not built"

# The ProductCode is a name-based GUID (RFC 4122 version 5) of the version, in the UpgradeCode's
# namespace: a new one for each version, which a major upgrade needs, and the same one for every
# rebuild of a version, so `msiexec /x {ProductCode}` keeps working. The UpgradeCode is read from
# the .wxs, its only definition.
upgrade_code=$(sed -n 's/.*UpgradeCode="\([0-9A-Fa-f-]\{36\}\)".*/\1/p' "$wxs")
[[ -n $upgrade_code ]] || die "no UpgradeCode in $wxs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2016 # ${code} is CMake's, expanded by cmake -P
printf '%s\n' \
    "string(UUID code NAMESPACE $upgrade_code NAME \"check_port_owner $version\" TYPE SHA1 UPPER)" \
    'message("${code}")' >"$work/product_code.cmake"
product_code=$(cmake -P "$work/product_code.cmake" 2>&1)
[[ $product_code =~ ^[0-9A-F-]{36}$ ]] || die "could not derive the ProductCode: $product_code"

# The files of both packages, under the names they are installed with. The text files keep
# Unix line ends: Notepad and every agent read them.
name=check_port_owner-$version-windows-x64
stage=$work/$name
mkdir -p "$stage/examples"
install -m 0755 "$exe" "$stage/check_port_owner.exe"
install -m 0644 "$source_dir/README.md" "$stage/README.md"
install -m 0644 "$source_dir/LICENSE" "$stage/LICENSE.txt"
install -m 0644 "$source_dir/plugins/nsclient/nsclient.ini" \
    "$source_dir/plugins/icinga2/check_port_owner_windows.conf" \
    "$source_dir/plugins/icinga2/example-windows-agent.conf" "$stage/examples/"

mkdir -p "$out_dir"
install -m 0755 "$exe" "$out_dir/check_port_owner.exe"

# The zip unpacks into one folder named like itself; -X: no Unix owners or extra timestamps.
rm -f "$out_dir/$name.zip"
(cd "$work" && zip -q -X -r "$out_dir/$name.zip" "$name")

# -a x64: a 64-bit package (Template x64;1033), which may install into ProgramFiles64Folder.
# wixl finds each Source relative to its own working directory: the stage.
(cd "$stage" && wixl -a x64 -D Version="$version" -D ProductCode="$product_code" \
    -o "$out_dir/$name.msi" "$wxs")

echo "build_packages.sh: $out_dir/check_port_owner.exe, $name.zip, $name.msi" \
    "(ProductCode {$product_code})"
