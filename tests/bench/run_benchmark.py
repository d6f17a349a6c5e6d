#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: check_port_owner against ss, netstat and lsof on a synthetic busy host.

    run_benchmark.py --plugin PATH --busy-host PATH --spawn-measured PATH
                     [--size small|medium|large] [--runs N]
                     [--processes N] [--fds M] [--filler-uids UIDS] [--slow-tools]
                     [--json FILE]

Needs root. Re-executes itself under `unshare -n` (a private network namespace, lo up), starts
busy_host (N processes x M fds, about 20 listeners on 12 port specs, see busy_host.cpp), then
alternates, round after round, with nothing dropped between runs (all warm; the first round is
discarded):

    check_port_owner -vv -p RULE x12                  default: every holder of every listener
    check_port_owner -vv -p RULE x12 --first-holder   the shortcut: one holder per listener
    check_port_owner -vv -C FILE                      the 12 rules in an allow-list of about 1 MiB
                                                      (about 40,000 lines of optional rules after)
    ss -ltnp
    netstat -ltnp                  (skipped on large unless --slow-tools, or when absent)
    lsof -nP -iTCP -sTCP:LISTEN    (likewise)

and prints, per tool: median, min and max wall time, the ratio ss-time / tool-time (above 1 is
faster than ss), and the peak RSS (ru_maxrss from wait4, through the small static spawn_measured
so that the launcher's own size does not count). Every check_port_owner run is checked:
exit 2 (CRITICAL: the impostor on tcp/8443), every listener attributed to one of its real holders,
and in the default mode every holder found. Exit status 1 if any run failed that check or a tool
failed; nothing here asserts a time.
"""
import argparse
import atexit
import json
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_host  # noqa: E402


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plugin", required=True, help="the check_port_owner executable")
    parser.add_argument("--busy-host", required=True, help="the busy_host executable")
    parser.add_argument("--spawn-measured", required=True,
                        help="the spawn_measured executable (measures time and peak RSS)")
    parser.add_argument("--size", choices=sorted(bench_host.SIZES), default="medium")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per tool (default 5)")
    parser.add_argument("--processes", type=int, help="override the size's process count")
    parser.add_argument("--fds", type=int, help="override the size's fds per process")
    parser.add_argument("--filler-uids", help="uids of the filler processes (busy_host default "
                        "10000; 0 puts them under root)")
    parser.add_argument("--slow-tools", action="store_true",
                        help="run netstat and lsof on the large host too")
    parser.add_argument("--json", help="also write the results to this file")
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    for option in ("plugin", "busy_host", "spawn_measured"):
        setattr(arguments, option, os.path.abspath(getattr(arguments, option)))
    return arguments


LARGE_ALLOW_LIST_TOOL = "check_port_owner -C 1 MiB allow-list"


def tools_for(arguments, manifest, allow_list):
    tools = [
        ("check_port_owner", bench_host.plugin_argv(arguments.plugin, manifest, False)),
        ("check_port_owner --first-holder", bench_host.plugin_argv(arguments.plugin, manifest,
                                                                   True)),
        (LARGE_ALLOW_LIST_TOOL, bench_host.allow_list_argv(arguments.plugin, allow_list)),
    ]
    skipped = []
    candidates = [("ss -ltnp", ["ss", "-ltnp"], False),
                  ("netstat -ltnp", ["netstat", "-ltnp"], True),
                  ("lsof -nP -iTCP -sTCP:LISTEN", ["lsof", "-nP", "-iTCP", "-sTCP:LISTEN"], True)]
    for name, argv, slow in candidates:
        path = shutil.which(argv[0])
        if path is None:
            skipped.append("%s (not installed)" % name)
        elif slow and arguments.size == "large" and not arguments.slow_tools:
            skipped.append("%s (large host; --slow-tools runs it)" % name)
        else:
            tools.append((name, [path] + argv[1:]))
    return tools, skipped


def format_table(rows):
    header = "| tool | runs | median s | min s | max s | ss-time / tool-time | peak RSS KiB |"
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append("| `%s` | %d | %.4f | %.4f | %.4f | %s | %d |" % (
            row["tool"], row["runs"], row["median"], row["min"], row["max"],
            "%.2f×" % row["ratio"] if row["ratio"] else "-", row["peak_rss_kib"]))
    return "\n".join(lines)


def main():
    arguments = parse_arguments()
    bench_host.enter_private_netns()
    with open("/proc/sys/net/ipv4/ip_local_port_range", "w") as ports:
        ports.write("32768 60999\n")  # this namespace's own copy; the fillers use 10000-11999

    print("machine: %s" % bench_host.machine_description(), flush=True)
    load_before = os.getloadavg()
    parallelism_before = bench_host.effective_parallelism()
    try:
        host = bench_host.BusyHost(arguments.busy_host, arguments.size, arguments.processes,
                                   arguments.fds, arguments.filler_uids)
    except bench_host.SetupError as error:
        print("FAIL: %s" % error)
        return 1
    failures = []
    with host:
        manifest = host.manifest
        machine_processes, machine_fds = bench_host.machine_wide_counts()
        print("host: %s, %d processes x %d fds (filler uids %s), %d listeners on %d rules, "
              "set up in %.1f s; whole machine now: %d processes, %d open fds" % (
                  arguments.size, manifest["processes"], manifest["fds_per_process"],
                  ",".join(map(str, manifest["filler_uids"])), len(manifest["listeners"]),
                  len(manifest["rules"]), host.setup_seconds, machine_processes, machine_fds))
        print("listener processes at pid rank: %s%s" % (
            ", ".join("%s %.0f%%" % (s["name"], 100 * s["pid_rank"])
                      for s in manifest["services"]),
            "" if manifest["pids_increasing"] else " (pids wrapped while the host was built)"))
        allow_list_dir = tempfile.mkdtemp(prefix="port_owner_bench.")
        atexit.register(shutil.rmtree, allow_list_dir, True)
        allow_list = os.path.join(allow_list_dir, "allow-list.ini")
        size, lines, sections = bench_host.write_large_allow_list(manifest, allow_list)
        tools, skipped = tools_for(arguments, manifest, allow_list)
        if skipped:
            print("skipped: %s" % "; ".join(skipped))
        print("rules: %s" % " ".join("-p %s" % r for r in manifest["rules"]), flush=True)
        print("allow-list for %s: %d bytes, %d lines, %d sections" % (
            LARGE_ALLOW_LIST_TOOL, size, lines, sections), flush=True)

        times = {name: [] for name, _ in tools}
        rss = {name: [] for name, _ in tools}
        for round_number in range(arguments.runs + 1):
            for name, argv in tools:
                run = bench_host.run_measured(arguments.spawn_measured, argv)
                if name.startswith("check_port_owner"):
                    problems = bench_host.check_plugin_output(run, manifest,
                                                              "--first-holder" in argv)
                elif run.returncode != 0:
                    problems = ["exit %d: %s" % (run.returncode, run.stderr.strip()[:300])]
                else:
                    problems = []
                for problem in problems:
                    failures.append("%s, round %d: %s" % (name, round_number, problem))
                if round_number == 0:
                    continue  # warm-up round: not counted
                times[name].append(run.seconds)
                rss[name].append(run.maxrss_kib)
            print("round %d/%d done%s" % (round_number, arguments.runs,
                                          " (warm-up, discarded)" if round_number == 0 else ""),
                  flush=True)
        load_after = os.getloadavg()  # before the teardown, which makes the load jump

    ss_median = statistics.median(times["ss -ltnp"]) if "ss -ltnp" in times else None
    rows = []
    for name, _ in tools:
        median = statistics.median(times[name])
        rows.append({"tool": name, "runs": len(times[name]), "median": median,
                     "min": min(times[name]), "max": max(times[name]),
                     "ratio": ss_median / median if ss_median and median > 0 else None,
                     "peak_rss_kib": max(rss[name]), "times": times[name]})
    print()
    print("%s host: %d processes x %d fds; machine: %s; load average %.2f before, %.2f after" % (
        arguments.size, manifest["processes"], manifest["fds_per_process"],
        bench_host.machine_description(), load_before[0], load_after[0]))
    parallelism_after = bench_host.effective_parallelism()
    print("two busy processes ran %.2f× as fast as one before the runs, %.2f× after (about 2 when "
          "both CPUs are really there; the plugin's walk uses two threads, ss one)" % (
              parallelism_before, parallelism_after))
    print(format_table(rows))
    if arguments.json:
        with open(arguments.json, "w") as out:
            json.dump({"size": arguments.size, "processes": manifest["processes"],
                       "fds_per_process": manifest["fds_per_process"],
                       "machine": bench_host.machine_description(),
                       "load_before": load_before, "load_after": load_after,
                       "parallelism_before": parallelism_before,
                       "parallelism_after": parallelism_after,
                       "rows": rows, "failures": failures}, out, indent=1)
    if failures:
        print("\nFAIL: %d problem(s):" % len(failures))
        for failure in failures[:40]:
            print("  " + failure)
        return 1
    print("\nevery check_port_owner run: exit 2 (impostor caught), every listener attributed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
