#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The wine half of test_packages.sh, run by it inside the wine chroot (one wineserver, one
# prefix, thrown away afterwards):
#   msi_under_wine.sh WORK MSI PRODUCT_CODE VERSION ZIP_FOLDER
# WORK holds `manifest` (the MSI's files: path below C:\, size, name in the zip) and rogue.exe
# (the port holder fixture). Every failure names itself and exits 1.
set -euo pipefail

work=$1 msi=$2 product_code=$3 version=$4 zip_folder=$5
drive_c=$WINEPREFIX/drive_c
plugin_dir="$drive_c/Program Files/check_port_owner"
plugin='C:\Program Files\check_port_owner\check_port_owner.exe'
allow_list_dir=$drive_c/ProgramData/check_port_owner
allow_list='C:\ProgramData\check_port_owner\check_port_owner.ini'

die() { echo "test_packages.sh (under wine): FAIL: $*" >&2; exit 1; }

# Runs the installed plugin: sets out (stdout, CRs removed) and code.
run_plugin() {
    set +e
    out=$(wine "$plugin" "$@" 2>"$work/stderr" </dev/null)
    code=$?
    set -e
    out=${out//$'\r'/}
}

# --- install ---------------------------------------------------------------------------------
[[ ! -e $plugin_dir ]] || die "the prefix has the plugin before the install"
set +e
wine msiexec /i "$msi" /qn </dev/null >"$work/msiexec.log" 2>&1
code=$?
set -e
((code == 0)) || die "msiexec /i exited $code: $(cat "$work/msiexec.log")"
while IFS=$'\t' read -r path size zip_name; do
    file=$drive_c/$path
    [[ -f $file ]] || die "the MSI says C:\\${path//\//\\} and it is not there"
    [[ $(stat -c %s "$file") == "$size" ]] || die "$path: not the size the MSI says ($size)"
    cmp -s "$file" "$zip_folder/$zip_name" || die "$path differs from the zip's $zip_name"
done <"$work/manifest"
installed=$(cd "$plugin_dir" && find . -type f | wc -l)
[[ $installed == "$(wc -l <"$work/manifest")" ]] || die "$installed files installed, not the MSI's"
wine reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$product_code" \
    </dev/null >/dev/null 2>&1 || die "no uninstall entry for $product_code"
echo "ok - msiexec /i /qn installed $installed files where the MSI says, and an uninstall entry"

# --- the installed plugin --------------------------------------------------------------------
run_plugin --version
[[ $code == 3 && $out == "check_port_owner v$version" ]] ||
    die "--version: exit $code, '$out' (expected 3, 'check_port_owner v$version')"
echo "ok - check_port_owner.exe --version: $out, exit 3"

# The seed scenario: rogue.exe holds the port inetinfo should have. Its stdin is a fifo that we
# keep open: it holds the port until we close it.
mkfifo "$work/holder-in"
wine "$work/rogue.exe" tcp4:127.0.0.1:0 <"$work/holder-in" >"$work/holder-out" 2>&1 &
holder=$!
exec {holder_in}>"$work/holder-in"
ready=""
for _ in $(seq 100); do
    ready=$(tr -d '\r' <"$work/holder-out" | grep -m1 '^ready \|^failed ' || true)
    [[ -n $ready ]] && break
    sleep 0.1
done
[[ $ready =~ ^ready\ tcp4:127\.0\.0\.1:([0-9]+)\ pid=([0-9]+)$ ]] ||
    die "rogue.exe did not take a port: $(cat "$work/holder-out")"
port=${BASH_REMATCH[1]} pid=${BASH_REMATCH[2]}

run_plugin -p "tcp/$port=inetinfo"
first=${out%%$'\n'*}
[[ $code == 2 && $first == "PORT_OWNER CRITICAL - "* && $first == *"rogue.exe (pid $pid"* ]] ||
    die "-p tcp/$port=inetinfo: exit $code, expected 2 naming rogue.exe (pid $pid):"$'\n'"$out"
echo "ok - rogue.exe on tcp/$port: $first"
run_plugin -p "tcp/$port=rogue"
[[ $code == 0 && $out == "PORT_OWNER OK - "* ]] ||
    die "-p tcp/$port=rogue: exit $code, expected OK:"$'\n'"$out"
echo "ok - allowed rogue: ${out%%$'\n'*}"

# The allow-list as the README and nsclient.ini write it, while rogue.exe listens.
mkdir -p "$allow_list_dir"
run_plugin --learn
[[ $code == 0 && $out =~ $'\n'\[tcp/(127\.0\.0\.1:)?$port\] ]] ||
    die "--learn: exit $code, no section for rogue's port:"$'\n'"$out"
printf '%s\n' "$out" >"$allow_list_dir/check_port_owner.ini"

# Each NSClient++ command of the installed nsclient.ini, split as Windows splits a command line
# whose only quotes surround whole arguments (the file has no other kind).
split_command() {
    local line=$1 word="" quoted=0 char i
    argv=()
    for ((i = 0; i < ${#line}; i++)); do
        char=${line:i:1}
        if [[ $char == '"' ]]; then
            quoted=$((1 - quoted))
        elif [[ $char == ' ' ]] && ((!quoted)); then
            [[ -n $word ]] && argv+=("$word")
            word=""
        else
            word+=$char
        fi
    done
    [[ -n $word ]] && argv+=("$word")
    ((!quoted)) || die "unbalanced quotes: $line"
}
declare -A nsclient_expected=(
    [check_port_owner]=0          # the learned list, fed back while the same listeners exist
    [check_port_owner_unlisted]=any
    [check_port_owner_iis]=2      # nothing listens on port 80 in this prefix: MISSING
)
section="" commands=0
while IFS= read -r line; do
    line=${line%$'\r'}
    [[ $line =~ ^\[(.*)\]$ ]] && { section=${BASH_REMATCH[1]}; continue; }
    [[ $section == "/settings/external scripts/scripts" && $line =~ ^([a-z_]+)\ =\ (.*)$ ]] ||
        continue
    command_name=${BASH_REMATCH[1]}
    split_command "${BASH_REMATCH[2]}"
    [[ ${argv[0]} == "$plugin" ]] ||
        die "nsclient.ini: $command_name runs ${argv[0]}, not where the MSI installs the plugin"
    [[ -v nsclient_expected[$command_name] ]] || die "nsclient.ini: $command_name is new here"
    for ((i = 1; i < ${#argv[@]} - 1; i++)); do
        [[ ${argv[i]} != -C || ${argv[i + 1]} == "$allow_list" ]] ||
            die "nsclient.ini: $command_name reads ${argv[i + 1]}, not the documented allow-list"
    done
    run_plugin "${argv[@]:1}"
    first=${out%%$'\n'*}
    [[ $first =~ ^PORT_OWNER\ (OK|WARNING|CRITICAL|UNKNOWN)\  && $first != *[Uu]sage* &&
        $first != *option* && ! $first =~ \.ini:[0-9]+: ]] ||
        die "nsclient.ini: $command_name is refused: $first"
    expected=${nsclient_expected[$command_name]}
    [[ $expected == any || $code == "$expected" ]] ||
        die "nsclient.ini: $command_name exits $code, expected $expected:"$'\n'"$out"
    echo "ok - nsclient.ini $command_name: $first"
    commands=$((commands + 1))
done <"$plugin_dir/examples/nsclient.ini"
((commands == ${#nsclient_expected[@]})) || die "nsclient.ini has $commands commands, expected ${#nsclient_expected[@]}"

exec {holder_in}>&-
wait "$holder" || true

# Every long option of the Windows plugin is an argument of the Windows CheckCommand (but
# --listener-source, which has one value on Windows, and --help/--version).
run_plugin --help
options=$(grep -o -- '--[a-z][a-z-]*' <<<"$out" | sort -u |
    grep -vx -- '--help\|--version\|--listener-source')
command_args=$(grep -o '^\s*"--[a-z-]*" = {' "$plugin_dir/examples/check_port_owner_windows.conf" |
    grep -o -- '--[a-z-]*' | sort -u)
missing=$(comm -23 <(echo "$options") <(echo "$command_args"))
[[ -z $missing ]] || die "check_port_owner_windows.conf lacks: $missing"
echo "ok - the Windows CheckCommand has each of the plugin's $(wc -l <<<"$options") options"

# --- uninstall -------------------------------------------------------------------------------
set +e
wine msiexec /x "$product_code" /qn </dev/null >"$work/msiexec.log" 2>&1
code=$?
set -e
((code == 0)) || die "msiexec /x exited $code: $(cat "$work/msiexec.log")"
[[ ! -e $plugin_dir ]] || die "left after msiexec /x: $(find "$plugin_dir")"
if wine reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$product_code" \
    </dev/null >/dev/null 2>&1; then
    die "the uninstall entry is left after msiexec /x"
fi
[[ -s $allow_list_dir/check_port_owner.ini ]] || die "msiexec /x removed the admin's allow-list"
echo "ok - msiexec /x /qn removed every file, the folder and the uninstall entry; the allow-list stays"
