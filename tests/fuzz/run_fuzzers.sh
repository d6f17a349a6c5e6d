#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer targets (tests/fuzz, a CMake project of its own, with clang++, ASan and
# UBSan) and fuzzes each one for a while on a copy of its seed corpus.
#
# Usage: tests/fuzz/run_fuzzers.sh [BUILD_DIR [SECONDS [TARGET...]]]
#   BUILD_DIR  default build-fuzz (relative to the repository root)
#   SECONDS    per target, default 60 (or $FUZZ_SECONDS)
#   TARGET     default: every target
# Exit status 0 when no target crashed. A crashing input is kept in BUILD_DIR/artifacts/TARGET/,
# the fuzzer's log in BUILD_DIR/logs/TARGET.log; reproduce with `BUILD_DIR/TARGET INPUT`.
# The repository is not modified: the fuzzers grow BUILD_DIR/corpus/TARGET, seeded from
# tests/fuzz/corpus/TARGET. Needs the packages clang and libclang-rt-14-dev (libFuzzer and the
# sanitizer runtimes) besides the plugin's build dependencies (libfmt-dev,
# libboost-program-options-dev, libre2-dev, pkg-config, cmake). PORT_OWNER_WERROR=ON makes
# warnings errors, as CI does.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

build_dir=${1:-build-fuzz}
seconds=${2:-${FUZZ_SECONDS:-60}}
shift $(($# > 2 ? 2 : $#))
case $build_dir in /*) ;; *) build_dir="$repo/$build_dir" ;; esac

echo "== configure and build the fuzz targets ($build_dir)"
cmake -S tests/fuzz -B "$build_dir" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" \
    -DPORT_OWNER_WERROR="${PORT_OWNER_WERROR:-OFF}" >/dev/null
cmake --build "$build_dir" -j"${JOBS:-2}"

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets <"$build_dir/fuzz_targets.txt"
fi

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

passed=0
failed=0
summaries=()
for target in "${targets[@]}"; do
    seeds="$repo/tests/fuzz/corpus/$target"
    corpus="$build_dir/corpus/$target"
    artifacts="$build_dir/artifacts/$target"
    log="$build_dir/logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    if [ -d "$seeds" ]; then
        cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
    fi
    options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096
             -print_final_stats=1 -artifact_prefix="$artifacts/")
    if [ -f "$repo/tests/fuzz/dict/$target.dict" ]; then
        options+=(-dict="$repo/tests/fuzz/dict/$target.dict")
    fi
    echo "== $target: fuzzing for $seconds s"
    status=0
    "$build_dir/$target" "${options[@]}" "$corpus" >"$log" 2>&1 || status=$?

    # libFuzzer's last status line: `#N DONE cov: C ft: F corp: K/...`; its final stats.
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
    if [ "$status" -eq 0 ]; then
        passed=$((passed + 1))
        summary="PASS  $target: ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
    else
        failed=$((failed + 1))
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        reason=$(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|property violated|ERROR: libFuzzer' "$log" || true)
        summary="FAIL  $target (exit $status): ${reason:-see $log}; input: ${artifact:-none}; log: $log"
        echo "---- $target: end of $log"
        tail -n 40 "$log"
    fi
    echo "$summary"
    summaries+=("$summary")
done

echo "== fuzzing summary (${seconds} s per target)"
printf '%s\n' "${summaries[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
