#!/usr/bin/python3
"""Perfdata of real plugin runs, read by Monitoring::Plugin::Performance and held to Icinga 2's
rules (perfdata_check.pl).

  perfdata_test.py CHECK_PORT_OWNER [--perl PERL]

Runs in a private network namespace (root; re-executes itself under unshare -n) with real
listeners, in the scenarios: all OK, missing, unexpected, unlisted under -w/-c (OK, WARNING,
CRITICAL, ranges that perfdata cannot carry), -v/-vv/-vvv. Each output must pass
perfdata_check.pl, and the values it recovered must be the expected ones. First, the checker
itself must reject each kind of bad perfdata, so that this test can fail.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import netns

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "perfdata_check.pl")
LABELS = ["rules", "rules_ok", "rules_missing", "rules_unexpected", "rules_unattributed",
          "listeners", "unlisted", "time"]

# Each must be rejected by perfdata_check.pl on its own.
BAD_PERFDATA = [
    "a::b=1", "a=1,5", "a=U", "a=1;U", "a=1;10:", "a=1;;@1:2", "a=1;~:5", "a=1e3", "a=1;1e3",
    "a=1 a=2", "A=1", "'a b'=1", "a=1xyz", "a=1;1;1;1;1;1", "a=.5", "a=1.", "a==1",
]


def check(perl, files):
    proc = subprocess.run([perl, CHECKER] + files, capture_output=True, timeout=120, check=False)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode()


def self_test(perl, workdir, failures):
    good = os.path.join(workdir, "good")
    with open(good, "w") as f:
        f.write("PORT_OWNER OK - fine | a=1;;;0 b=0.5s;1;2;0;10 c=3;4\nOK detail\n")
    code, out, err = check(perl, [good])
    if code != 0 or err:
        failures.append("checker rejects good perfdata: %s %s" % (out, err))
    for index, perf in enumerate(BAD_PERFDATA):
        path = os.path.join(workdir, "bad%d" % index)
        with open(path, "w") as f:
            f.write("PORT_OWNER OK - fine | rules=1;;;0 %s\n" % perf)
        code, out, _ = check(perl, [path])
        if code != 1 or "ERROR" not in out:
            failures.append("checker accepts bad perfdata %r" % perf)
    for name, text in (("two_bars", "PORT_OWNER OK - a | b | c=1\n"),
                       ("bar_later", "PORT_OWNER OK - a | c=1\ntext | more\n"),
                       ("cr", "PORT_OWNER OK - a | c=1\r\n"), ("none", "PORT_OWNER OK - a\n")):
        path = os.path.join(workdir, name)
        with open(path, "w") as f:
            f.write(text)
        code, out, _ = check(perl, [path])
        if code != 1:
            failures.append("checker accepts bad layout %r" % text)


def scenarios(exe):
    ok_rule = ["-p", "tcp/20001=exe:" + exe]
    # name, listener ports, arguments, exit code, expected {label: (value, warn, crit, min)}
    # (None: not checked, e.g. time), labels that must be absent.
    base = {"rules": ("1", "", "", "0"), "rules_unattributed": ("0", "", "", "0")}
    return [
        ("all_ok", [20001], ok_rule, 0,
         dict(base, rules_ok=("1", "", "", "0"), listeners=("1", "", "", "0")), ["unlisted"]),
        ("missing", [20001], ok_rule + ["-p", "20999"], 2,
         dict(base, rules=("2", "", "", "0"), rules_missing=("1", "", "", "0"),
              rules_ok=("1", "", "", "0")), ["unlisted"]),
        ("unexpected", [20001], ["-p", "20001=nginx"], 2,
         dict(base, rules_unexpected=("1", "", "", "0"), rules_ok=("0", "", "", "0")),
         ["unlisted"]),
        ("unlisted_ok", [20001, 20002, 20003], ok_rule + ["-w", "2", "-c", "5"], 0,
         dict(base, listeners=("3", "", "", "0"), unlisted=("2", "2", "5", "0")), []),
        ("unlisted_warning", [20001, 20002, 20003], ok_rule + ["-w", "1", "-c", "5"], 1,
         dict(base, unlisted=("2", "1", "5", "0")), []),
        ("unlisted_critical", [20001, 20002, 20003], ok_rule + ["-w", "0", "-c", "1.5"], 2,
         dict(base, unlisted=("2", "0", "1.5", "0")), []),
        ("unlisted_only", [20001, 20002], ["-w", "1"], 1,
         {"rules": ("0", "", "", "0"), "unlisted": ("2", "1", "", "0")}, []),
        # Ranges Icinga 2 would drop from perfdata are left out there, not written.
        ("unlisted_ranges", [20001, 20002, 20003], ["-w", "10:", "-c", "@0:1"], 1,
         {"unlisted": ("3", "", "", "0")}, []),
        ("unlisted_inside", [20001, 20002, 20003], ["-w", "~:5", "-c", "@3"], 2,
         {"unlisted": ("3", "", "", "0")}, []),
        ("verbose", [20001, 20002, 20003], ok_rule + ["-v", "-w", "1", "-c", "5"], 1,
         dict(base, unlisted=("2", "1", "5", "0")), []),
        ("verbose2", [20001, 20002], ok_rule + ["-vv", "-p", "20999"], 2,
         dict(base, rules=("2", "", "", "0"), rules_missing=("1", "", "", "0")), []),
        ("verbose3", [20001, 20002], ok_rule + ["-vvv", "-w", "0", "-c", "5"], 1,
         dict(base, unlisted=("1", "0", "5", "0")), []),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("plugin")
    parser.add_argument("--perl", default="/usr/bin/perl")
    args = parser.parse_args()
    netns.enter()

    failures = []
    exe = os.path.realpath(sys.executable)
    with tempfile.TemporaryDirectory(prefix="contract-perfdata-") as workdir:
        self_test(args.perl, workdir, failures)
        files = []
        for name, ports, plugin_args, exit_code, want, absent in scenarios(exe):
            with netns.Listeners(ports) as listeners:
                if listeners.executable() != exe:
                    failures.append("%s: listener runs %s, not %s" %
                                    (name, listeners.executable(), exe))
                code, out, err = netns.run_plugin(args.plugin, plugin_args)
            path = os.path.join(workdir, name)
            with open(path, "w") as f:
                f.write(out)
            files.append(path)
            where = "%s (%s)" % (name, " ".join(plugin_args))
            if code != exit_code:
                failures.append("%s: exit %d, expected %d: %r" % (where, code, exit_code, out))
            if err:
                failures.append("%s: stderr %r" % (where, err))
            # What perfdata_check.pl recovered for this file (it runs on all files below).
            code_one, report, _ = check(args.perl, [path])
            values = {}
            for line in report.splitlines():
                if line.startswith("ERROR"):
                    failures.append("%s: %s" % (where, line))
                    continue
                fields = line.split("\t")
                values[fields[1]] = fields[2:]
            if code_one != 0 and not any(where in f for f in failures):
                failures.append("%s: perfdata_check.pl exit %d" % (where, code_one))
            labels = list(values)
            if labels != [label for label in LABELS if label in values]:
                failures.append("%s: labels out of the documented order: %s" % (where, labels))
            missing = [label for label in LABELS if label != "unlisted" and label not in values]
            if missing:
                failures.append("%s: labels missing: %s" % (where, missing))
            for label, (value, warn, crit, minimum) in want.items():
                got = values.get(label)
                expected = [value, "", warn, crit, minimum, ""]
                if got is None or [float(got[0])] + got[1:] != [float(value)] + expected[1:]:
                    failures.append("%s: %s recovered as %s, expected %s" %
                                    (where, label, got, expected))
            if "time" in values and values["time"][1] != "s":
                failures.append("%s: time unit %r, expected s" % (where, values["time"][1]))
            for label in absent:
                if label in values:
                    failures.append("%s: %s present, expected absent" % (where, label))
        # All outputs at once as well, as a monitoring engine would see a series of runs.
        code, report, err = check(args.perl, files)
        if code != 0 or err:
            failures.append("perfdata_check.pl on all outputs: exit %d %s %s" %
                            (code, err, [l for l in report.splitlines() if "ERROR" in l]))
        print("%d plugin outputs, %d bad perfdata samples checked" %
              (len(files), len(BAD_PERFDATA) + 4))
    if failures:
        print("FAILED:")
        for failure in failures:
            print("  " + failure)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
