#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Windows packages as an admin gets them: packaging/windows/build_packages.sh makes the zip
# and the MSI from a Windows build, then
#   - the zip holds exactly the package's files, in one folder named like the zip, the plugin
#     identical to the build's;
#   - under wine (tests/windows/wine_chroot.sh, as root), `msiexec /i PKG.msi /qn` installs every
#     file the MSI's own File and Directory tables name, where they say, identical to the zip's;
#     the installed plugin answers --version (exit 3), and names rogue.exe and its pid, CRITICAL,
#     when rogue.exe holds a port that inetinfo should (OK when rogue is allowed); the NSClient++
#     commands of the installed nsclient.ini run as written, against an allow-list learned as
#     the README says; the installed Icinga 2 CheckCommand has every option of the installed
#     plugin's --help; `msiexec /x {ProductCode} /qn` leaves no file, folder or uninstall entry,
#     and the learned allow-list alone.
#
# Usage: tests/windows/msi/test_packages.sh BUILD_DIR
#   BUILD_DIR: a Windows build with the tests (mingw-w64-x86_64.cmake); configured here when it
#   does not exist. check_port_owner and port_holder_windows are built in it.
# Needs: wixl, msitools (msiinfo), zip, unzip, and what wine_chroot.sh needs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../../.." && pwd)
wine_chroot=$source_dir/tests/windows/wine_chroot.sh

die() { echo "test_packages.sh: FAIL: $*" >&2; exit 1; }

(($# == 1)) || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build_dir=$(realpath -m "$1")
for program in wixl msiinfo zip unzip; do
    command -v "$program" >/dev/null || die "$program missing (apt-get install wixl msitools zip unzip)"
done

if [[ ! -f $build_dir/CMakeCache.txt ]]; then
    "$source_dir/packaging/windows/build_dependencies.sh"
    cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPORT_OWNER_WERROR=ON \
        -DCMAKE_TOOLCHAIN_FILE="$source_dir/packaging/windows/mingw-w64-x86_64.cmake" >/dev/null
fi
cmake --build "$build_dir" -j2 --target check_port_owner port_holder_windows

# Everything the chroot sees is in one directory, bind-mounted at the same path.
work=$(mktemp -d /tmp/check_port_owner-packages.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$source_dir/packaging/windows/build_packages.sh" --no-build "$build_dir" "$work/out" 2>&1 |
    sed 's/^/  /'
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
name=check_port_owner-$version-windows-x64
zip=$work/out/$name.zip
msi=$work/out/$name.msi
[[ -f $zip && -f $msi && -f $work/out/check_port_owner.exe ]] || die "a package is missing"
cmp -s "$work/out/check_port_owner.exe" "$build_dir/check_port_owner/check_port_owner.exe" ||
    die "OUT_DIR/check_port_owner.exe is not the build's"

# --- the MSI's own account of what it installs where ----------------------------------------
# msiinfo export TABLE: two header lines (names, types) and the table's name, then rows.
table() { msiinfo export "$msi" "$1" | tail -n +4 | tr -d '\r'; }
declare -A parent dir_name
while IFS=$'\t' read -r id dir_parent default_dir; do
    parent[$id]=$dir_parent
    default_dir=${default_dir##*|}         # "short|long": the long name
    dir_name[$id]=$default_dir
done < <(table Directory)
# A directory's path below C:\. Only the roots this package uses are known here: anything else
# is a change the test must learn about.
dir_path() {
    local id=$1 path=""
    while [[ $id != TARGETDIR ]]; do
        case $id in
        ProgramFiles64Folder) path="Program Files${path:+/$path}"; break ;;
        "") die "a directory that is not under TARGETDIR" ;;
        esac
        [[ ${dir_name[$id]} == . ]] || path="${dir_name[$id]}${path:+/$path}"
        id=${parent[$id]}
    done
    [[ $id == ProgramFiles64Folder ]] || die "a directory outside ProgramFiles64Folder: $1"
    echo "$path"
}
declare -A component_dir
while IFS=$'\t' read -r component _guid directory attributes _condition _key; do
    component_dir[$component]=$directory
    # 256: msidbComponentAttributes64bit, so Windows does not redirect it to Program Files (x86).
    ((attributes & 256)) || die "component $component is not 64-bit"
done < <(table Component)
: >"$work/manifest"     # PATH-BELOW-C:<TAB>SIZE<TAB>NAME-IN-THE-ZIP
while IFS=$'\t' read -r _file component file_name size _rest; do
    file_name=${file_name##*|}
    path="$(dir_path "${component_dir[$component]}")/$file_name"
    printf '%s\t%s\t%s\n' "$path" "$size" "${path#Program Files/check_port_owner/}" >>"$work/manifest"
done < <(table File)
grep -qx $'Program Files/check_port_owner/check_port_owner.exe\t[0-9]*\tcheck_port_owner.exe' \
    "$work/manifest" || die "the MSI does not install C:\\Program Files\\check_port_owner\\check_port_owner.exe"
product_code=$(table Property | sed -n 's/^ProductCode\t//p')
[[ $product_code =~ ^\{[0-9A-F-]{36}\}$ ]] || die "no ProductCode in the MSI"
summary=$(msiinfo suminfo "$msi")
grep -q '^Template: x64;' <<<"$summary" || die "not a 64-bit package: $summary"
echo "ok - the MSI installs $(wc -l <"$work/manifest") files under C:\\Program Files\\check_port_owner (64-bit, ProductCode $product_code)"

# --- the zip ---------------------------------------------------------------------------------
expected_zip=$( (echo "$name/"; echo "$name/examples/"; cut -f3 "$work/manifest" | sed "s|^|$name/|") | sort)
actual_zip=$(unzip -Z1 "$zip" | sort)
[[ $actual_zip == "$expected_zip" ]] ||
    die "the zip's names differ from the MSI's files:"$'\n'"$(diff <(echo "$expected_zip") <(echo "$actual_zip"))"
unzip -q "$zip" -d "$work/zip"
cmp -s "$work/zip/$name/check_port_owner.exe" "$build_dir/check_port_owner/check_port_owner.exe" ||
    die "the zip's check_port_owner.exe is not the build's"
cmp -s "$work/zip/$name/README.md" "$source_dir/README.md" || die "the zip's README.md is not the README"
cmp -s "$work/zip/$name/LICENSE.txt" "$source_dir/LICENSE" || die "the zip's LICENSE.txt is not the licence"
echo "ok - the zip holds the same $(wc -l <"$work/manifest") files in $name/"

# --- under wine: install, run, uninstall -----------------------------------------------------
cp "$build_dir/tests/windows/port_holder_windows.exe" "$work/rogue.exe"
cp "$here/msi_under_wine.sh" "$work/"
"$wine_chroot" run "$work" -- /bin/bash "$work/msi_under_wine.sh" "$work" "$msi" "$product_code" \
    "$version" "$work/zip/$name"
echo "ok - packages: zip and MSI of check_port_owner $version"
