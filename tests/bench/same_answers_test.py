#!/usr/bin/env python3
"""bench_same_answers: --first-holder and the complete search give the same answers on the busy host.

    same_answers_test.py --plugin PATH --busy-host PATH --spawn-measured PATH [--size small]
                         [--rounds 3]

Needs root; runs in a private network namespace (re-executes itself under `unshare -n`). On the
synthetic host of the benchmark (busy_host), runs check_port_owner -vv on the 12 rules with
--first-holder and with the complete search, alternating, --rounds times, and checks that:
  1. both exit with the same code, and line 1 has the same state (CRITICAL);
  2. each rule has the same state in both modes;
  3. every holder --first-holder reports for a rule is among those the complete search reports;
  4. the impostor `evil` (comm nginx, on tcp/8443) is named as the culprit in both, on line 1
     and on the tcp/8443 line;
  5. (as in the benchmark) every listener is attributed to one of its real holders in both, and
     the complete search finds every holder (the nginx master and its 4 workers, the SO_REUSEPORT group).
No timing is measured or asserted here. Exit status 0 when all hold, 1 otherwise.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_host  # noqa: E402


def compare(default, complete, manifest):
    problems = []
    if default.returncode != complete.returncode:
        problems.append("exit codes differ: default %d, the complete search %d" %
                        (default.returncode, complete.returncode))
    default_state, default_rules = bench_host.read_plugin_output(default.stdout)
    complete_state, complete_rules = bench_host.read_plugin_output(complete.stdout)
    if default_state is None or default_state != complete_state:
        problems.append("line-1 states differ: default %s, the complete search %s" %
                        (default_state, complete_state))
    impostor = next(s for s in manifest["services"] if s["name"] == manifest["impostor"])
    for name, run, rules in (("default", default, default_rules),
                             ("the complete search", complete, complete_rules)):
        first = run.stdout.splitlines()[0] if run.stdout else ""
        if "held by evil (pid %d," % impostor["pid"] not in first:
            problems.append("%s: line 1 does not name the impostor: %r" % (name, first[:300]))
        line = rules.get("tcp/8443", ("", [], ""))
        if line[0] != "CRITICAL" or impostor["pid"] not in line[1] or "evil pid" not in line[2]:
            problems.append("%s: tcp/8443 line does not name the impostor: %r" %
                            (name, line[2][:300]))
    for rule in manifest["rules"]:
        label = rule.split("=", 1)[0]
        if label not in default_rules or label not in complete_rules:
            problems.append("%s: missing from an output" % label)
            continue
        if default_rules[label][0] != complete_rules[label][0]:
            problems.append("%s: state %s in --first-holder, %s with the complete search" %
                            (label, default_rules[label][0], complete_rules[label][0]))
        extra = set(default_rules[label][1]) - set(complete_rules[label][1])
        if extra:
            problems.append("%s: --first-holder reports holders %s that the complete search does not" %
                            (label, sorted(extra)))
    problems += ["default: " + p for p in bench_host.check_plugin_output(default, manifest, True)]
    problems += ["the complete search: " + p
                 for p in bench_host.check_plugin_output(complete, manifest, False)]
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--busy-host", required=True)
    parser.add_argument("--spawn-measured", required=True)
    parser.add_argument("--size", choices=sorted(bench_host.SIZES), default="small")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    plugin = os.path.abspath(arguments.plugin)
    busy_host = os.path.abspath(arguments.busy_host)
    spawn_measured = os.path.abspath(arguments.spawn_measured)
    bench_host.enter_private_netns()

    try:
        host = bench_host.BusyHost(busy_host, arguments.size)
    except bench_host.SetupError as error:
        print("FAIL: %s" % error)
        return 1
    failures = []
    with host:
        manifest = host.manifest
        for round_number in range(arguments.rounds):
            default = bench_host.run_measured(
                spawn_measured, bench_host.plugin_argv(plugin, manifest, True))
            complete = bench_host.run_measured(
                spawn_measured, bench_host.plugin_argv(plugin, manifest, False))
            problems = compare(default, complete, manifest)
            for problem in problems:
                failures.append("round %d: %s" % (round_number, problem))
            if problems:
                print("round %d, --first-holder output:\n%s" % (round_number, default.stdout))
                print("round %d, the complete search output:\n%s" % (round_number, complete.stdout))
    if failures:
        print("FAIL: %d problem(s):" % len(failures))
        for failure in failures:
            print("  " + failure)
        return 1
    print("PASS: %d rounds on a %s host (%d processes x %d fds): same exit code and states, "
          "--first-holder holders within the complete search', impostor caught in both" % (
              arguments.rounds, arguments.size, manifest["processes"],
              manifest["fds_per_process"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
