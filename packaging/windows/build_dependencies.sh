#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Cross-builds check_port_owner's libraries for Windows x64 (mingw-w64) into PREFIX:
#   Boost.ProgramOptions  from Debian's boost1.74 source package (Debian ships no mingw Boost)
#   RE2                   from Debian's re2 source package
#   GoogleTest            from Debian's googletest package (/usr/src/googletest)
#   fmt                   Debian's libfmt-dev headers, used header-only (FMT_HEADER_ONLY)
# The sources are fetched at build time with `apt-get source`; the repository keeps none.
# The versions are those of the Linux build's -dev packages installed here, so both builds use
# the same code.
#
# Usage (root only for the default PREFIX under /var/cache):
#   packaging/windows/build_dependencies.sh [PREFIX]
# PREFIX defaults to $PORT_OWNER_MINGW_DEPS or /var/cache/check_port_owner/mingw-deps, which is
# where mingw-w64-x86_64.cmake (beside this script) looks. When PREFIX holds a build of the same
# versions (its stamp file), nothing is done: CI can cache PREFIX. JOBS sets the parallelism (default nproc).
#
# Needs: g++-mingw-w64-x86-64-posix cmake dpkg-dev (dpkg-source) unicode-data python3-six
# (RE2's tables), and the Linux build's
# libboost-program-options-dev libre2-dev googletest libfmt-dev.
set -euo pipefail

prefix=${1:-${PORT_OWNER_MINGW_DEPS:-/var/cache/check_port_owner/mingw-deps}}
# Absolute: CMake's install prefix and the toolchain's search paths must not depend on the
# directory a build happens to run in.
prefix=$(realpath -m "$prefix")
jobs=${JOBS:-$(nproc)}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
toolchain=$here/mingw-w64-x86_64.cmake
cxx=x86_64-w64-mingw32-g++-posix
ar=x86_64-w64-mingw32-gcc-ar-posix

die() { echo "build_dependencies.sh: $*" >&2; exit 1; }

# "source=version" of the Debian source package a host package was built from.
source_of() {
    dpkg-query -W -f='${source:Package}=${source:Version}' "$1" 2>/dev/null ||
        die "$1 is not installed; the Linux build needs it too (apt-get install $1)"
}
boost_src=$(source_of libboost-program-options1.74-dev)
re2_src=$(source_of libre2-dev)
googletest_src=$(source_of googletest)
fmt_src=$(source_of libfmt-dev)
mingw_src=$(source_of g++-mingw-w64-x86-64-posix)
mingw_crt=$(source_of mingw-w64-x86-64-dev)
# RE2's Unicode tables are generated from it (below), as Debian's build does.
unicode_src=$(source_of unicode-data)

# What a cached PREFIX must match: the sources, the compiler, and this script and the toolchain
# (their flags decide the build too).
stamp_text="sources: $boost_src $re2_src $googletest_src $fmt_src $unicode_src
compiler: $mingw_src $mingw_crt
recipe=$(cat "${BASH_SOURCE[0]}" "$toolchain" | sha256sum | cut -d' ' -f1)"

if [[ -f $prefix/stamp && $(<"$prefix/stamp") == "$stamp_text" ]]; then
    echo "build_dependencies.sh: $prefix is up to date"
    exit 0
fi

command -v "$cxx" >/dev/null || die "$cxx missing (apt-get install g++-mingw-w64-x86-64-posix)"
command -v dpkg-source >/dev/null || die "dpkg-source missing (apt-get install dpkg-dev)"
python3 -c 'import six' 2>/dev/null || die "python3-six missing (apt-get install python3-six)"

mkdir -p "$(dirname "$prefix")"
# Two builds into one PREFIX at once would mix their files: the second waits for the first
# and then finds its result.
exec {lock}>"$prefix.lock"
flock "$lock"
if [[ -f $prefix/stamp && $(<"$prefix/stamp") == "$stamp_text" ]]; then
    echo "build_dependencies.sh: $prefix is up to date"
    exit 0
fi

work=$(mktemp -d /tmp/mingw-deps.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Everything is installed into a staging directory that replaces PREFIX at the end, so an
# interrupted build never leaves a PREFIX that looks complete.
stage=$prefix.new
rm -rf "$stage"
mkdir -p "$stage/include" "$stage/lib/pkgconfig" "$stage/lib/cmake"
start=$SECONDS

# --- Sources ---------------------------------------------------------------------------------
# A private apt configuration with bookworm's deb-src lines: the host's sources stay as they are
# and need no deb-src entry.
apt_dir=$work/apt
mkdir -p "$apt_dir/lists/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
for suite in "bookworm main" "bookworm-updates main"; do
    echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian $suite"
done >"$apt_dir/sources.list"
echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main" \
    >>"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt_dir/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" -qq update

# Exactly the installed version; if the archive has moved on (a point release), its current
# version of the same package, with a warning, rather than no Windows build at all.
fetch_source() {
    local wanted=$1 dir=$2
    mkdir -p "$dir"
    if ! (cd "$dir" && apt-get "${apt_opts[@]}" -qq source "$wanted" >/dev/null 2>&1); then
        echo "build_dependencies.sh: warning: $wanted is no longer in the archive;" \
            "using its current version" >&2
        (cd "$dir" && apt-get "${apt_opts[@]}" -qq source "${wanted%%=*}" >/dev/null)
    fi
    # apt-get source unpacks into NAME-UPSTREAMVERSION with Debian's patches applied.
    find "$dir" -mindepth 1 -maxdepth 1 -type d | head -n1
}
boost_dir=$(fetch_source "$boost_src" "$work/boost")
re2_dir=$(fetch_source "$re2_src" "$work/re2")
echo "build_dependencies.sh: sources fetched and unpacked after $((SECONDS - start)) s"

# --- Boost.ProgramOptions --------------------------------------------------------------------
# Boost's own build tool (b2) cannot be bootstrapped from Debian's repacked source (its parser
# is generated by bison at package build time), and program_options needs none of b2's
# configuration checks: its .cpp files are compiled directly. The source package is modular
# (libs/NAME/include), so every library's include directory is searched.
boost_includes=()
for dir in "$boost_dir"/libs/*/include "$boost_dir"/libs/numeric/*/include; do
    boost_includes+=(-I "$dir")
done
boost_flags=(-std=c++20 -O2 -DNDEBUG -DBOOST_ALL_NO_LIB "${boost_includes[@]}")
mkdir -p "$work/boost-obj"
# (Boost 1.74's own headers print deprecation notes about each other: kept in a log.)
# shellcheck disable=SC2016 # the inner script expands its own arguments
printf '%s\n' "$boost_dir"/libs/program_options/src/*.cpp |
    xargs -P "$jobs" -I{} sh -c '
        obj=$1/$(basename "$2" .cpp).o
        shift 2
        exec "$@" -c "$0" -o "$obj"' {} "$work/boost-obj" {} "$cxx" "${boost_flags[@]}" \
    >"$work/boost.log" 2>&1 || { cat "$work/boost.log"; die "building Boost failed"; }
"$ar" rcs "$stage/lib/libboost_program_options.a" "$work/boost-obj"/*.o
# Install only the headers program_options needs (the compiler lists them), not all 160 MB of
# Boost: the charter allows no other Boost library. -F: the path holds regex characters (+).
# Without BOOST_ALL_NO_LIB: a user's build may leave auto-linking on, which includes one more.
printf '#include <boost/version.hpp>\n#include <boost/program_options.hpp>\n' >"$work/po.cpp"
"$cxx" -std=c++20 "${boost_includes[@]}" -M "$work/po.cpp" "$boost_dir"/libs/program_options/src/*.cpp \
    2>>"$work/boost.log" | tr -s ' \134' '\n' | grep -F -- "$boost_dir/libs/" |
    grep -F /include/boost/ | sort -u |
    while read -r header; do
        relative=boost/${header#*/include/boost/}
        install -D -m 0644 "$header" "$stage/include/$relative"
    done
[[ -f $stage/include/boost/version.hpp ]] || die "Boost headers not installed"
install -D -m 0644 "$boost_dir/LICENSE_1_0.txt" "$stage/share/licenses/boost/LICENSE_1_0.txt"
echo "build_dependencies.sh: Boost.ProgramOptions built after $((SECONDS - start)) s"

# --- RE2, GoogleTest ---------------------------------------------------------------------------
# The toolchain file normally requires this PREFIX to exist; while building it, it must not.
cmake_build() {
    local source=$1 build=$2
    shift 2
    cmake -S "$source" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
        -DPORT_OWNER_BUILDING_DEPENDENCIES=ON -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX="$stage" -DBUILD_SHARED_LIBS=OFF "$@" >"$build.log" 2>&1 ||
        { cat "$build.log"; die "configuring $source failed"; }
    cmake --build "$build" -j "$jobs" >>"$build.log" 2>&1 ||
        { tail -50 "$build.log"; die "building $source failed"; }
    cmake --install "$build" >>"$build.log" 2>&1 ||
        { tail -50 "$build.log"; die "installing $source failed"; }
}
# Debian's repacked source has no generated Unicode and Perl class tables: they are made from
# Debian's unicode-data here, exactly as Debian's own build does (its REBUILD_TABLES=1).
perl "$re2_dir/re2/make_perl_groups.pl" >"$re2_dir/re2/perl_groups.cc"
for table in casefold groups; do
    (cd "$re2_dir/re2" && python3 "make_unicode_$table.py" >"unicode_$table.cc")
done
cmake_build "$re2_dir" "$work/re2-build" -DRE2_BUILD_TESTING=OFF
# The project reads RE2 through pkg-config, as on Debian, whose Makefile fills in this template.
# ${pcfiledir} keeps the file valid wherever PREFIX is moved or restored from a CI cache.
# shellcheck disable=SC2016 # ${pcfiledir} is pkg-config's, not the shell's
sed -e 's|@includedir@|${pcfiledir}/../../include|' -e 's|@libdir@|${pcfiledir}/..|' \
    "$re2_dir/re2.pc" >"$stage/lib/pkgconfig/re2.pc"
install -D -m 0644 "$re2_dir/LICENSE" "$stage/share/licenses/re2/LICENSE"
echo "build_dependencies.sh: RE2 built after $((SECONDS - start)) s"

cmake_build /usr/src/googletest "$work/googletest-build" -DBUILD_GMOCK=ON -DINSTALL_GTEST=ON
echo "build_dependencies.sh: GoogleTest built after $((SECONDS - start)) s"

# --- fmt -------------------------------------------------------------------------------------
# Header-only: Debian's headers are the same for every target, and FMT_HEADER_ONLY spares a
# second library build. A copy, because the host's /usr/include must never be on a mingw
# include path. The small package config gives find_package(fmt) the targets fmt's own would.
cp -r /usr/include/fmt "$stage/include/fmt"
fmt_version=$(dpkg-query -W -f='${Version}' libfmt-dev | sed -E 's/^[0-9]+://; s/[+~-].*//')
fmt_cmake=$stage/lib/cmake/fmt
mkdir -p "$fmt_cmake"
cat >"$fmt_cmake/fmt-config.cmake" <<'EOF'
# Written by check_port_owner's packaging/windows/build_dependencies.sh: fmt header-only.
if(NOT TARGET fmt::fmt-header-only)
  get_filename_component(_fmt_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
  add_library(fmt::fmt-header-only INTERFACE IMPORTED)
  set_target_properties(fmt::fmt-header-only PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_fmt_prefix}/include"
    INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1)
  add_library(fmt::fmt INTERFACE IMPORTED)
  set_target_properties(fmt::fmt PROPERTIES INTERFACE_LINK_LIBRARIES fmt::fmt-header-only)
  unset(_fmt_prefix)
endif()
EOF
cat >"$fmt_cmake/fmt-config-version.cmake" <<EOF
# Written by check_port_owner's packaging/windows/build_dependencies.sh.
set(PACKAGE_VERSION $fmt_version)
include(\${CMAKE_CURRENT_LIST_DIR}/fmt-version-compare.cmake)
EOF
cat >"$fmt_cmake/fmt-version-compare.cmake" <<'EOF'
# Same rule as fmt's own (SameMajorVersion): any requested version of this major, not newer.
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  string(REGEX MATCH "^[0-9]+" _major "${PACKAGE_VERSION}")
  if(PACKAGE_FIND_VERSION_MAJOR AND NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL _major)
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
  else()
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
    if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
      set(PACKAGE_VERSION_EXACT TRUE)
    endif()
  endif()
endif()
EOF
install -D -m 0644 /usr/share/doc/libfmt-dev/copyright "$stage/share/licenses/fmt/copyright"

# --- Done ------------------------------------------------------------------------------------
printf '%s\n' "$stamp_text" >"$stage/stamp"
rm -rf "$prefix"
mv "$stage" "$prefix"
echo "build_dependencies.sh: $prefix built in $((SECONDS - start)) s"
