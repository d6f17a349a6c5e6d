#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the whole project (plugin and every test) with clang++, AddressSanitizer and
# UndefinedBehaviorSanitizer, warnings as errors, in its own build directory, and runs the whole
# test suite through ctest. Any sanitizer report aborts the process that made it, so the test
# that ran it fails. The webview suite is left out: it starts a whole web stack (MariaDB,
# Apache, Graphite, Icinga 2) once per run, and the plugin it runs does nothing there that the
# engines suites do not also run under the sanitizers.
#
# Usage: tests/sanitize/run_sanitized_tests.sh [BUILD_DIR]   (default: build-sanitize)
# Needs root like tests/run_all.sh (network namespaces), and the packages clang and
# libclang-rt-14-dev (the sanitizer runtimes) besides the project's own build dependencies.
set -euo pipefail
cd "$(dirname "$0")/../.."

build_dir=${1:-${BUILD_DIR:-build-sanitize}}
jobs=${JOBS:-2}

echo "== configure ($build_dir: clang++, ASan + UBSan, -Werror)"
cmake -S . -B "$build_dir" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ \
    -DPORT_OWNER_SANITIZE=address,undefined \
    -DPORT_OWNER_WERROR=ON \
    -DPORT_OWNER_BUILD_TESTS=ON >/dev/null

echo "== build"
cmake --build "$build_dir" -j"$jobs"

# halt_on_error/abort_on_error: the first report kills the process with SIGABRT, so the test fails
# even where a test only looks at the plugin's exit status. LeakSanitizer works here (it needs to
# ptrace-like stop the threads; root in a plain container may do that), so leaks fail tests too.
# The plugin's own exit codes 0-3 are its verdicts; exitcode=86 keeps a sanitizer report apart.
# Variables already set by the caller win.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:exitcode=86:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:abort_on_error=1:exitcode=86}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=86}

echo "== ctest (ASAN_OPTIONS=$ASAN_OPTIONS UBSAN_OPTIONS=$UBSAN_OPTIONS)"
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs" --timeout 600 -LE '^webview$'
