#!/usr/bin/python3
"""Differential test of threshold ranges: the plugin's range code against the contract and two
independent references.

  differential_ranges.py RANGE_EVAL [--perl PERL] [--python PYTHON]

RANGE_EVAL is the range_eval program (the plugin's ThresholdRange and apply_unlisted_policy).
The references are Debian's libmonitoring-plugin-perl (ref_monitoring_plugin.pl) and
python3-nagiosplugin (ref_nagiosplugin.py). Every case has the contract's answer
(range_cases.contract_answer), and:
  - the plugin must give exactly the contract's answer; an invalid range must be rejected with
    a message that names it;
  - each reference must give the contract's answer too, except where README.md documents the
    difference (range_cases.REFERENCE_DEVIATIONS); an undocumented difference fails, and so
    does a documented one that no longer happens.
Exit status 0 when all holds, 1 with a table of the differences otherwise.
"""
import argparse
import os
import subprocess
import sys

import range_cases

HERE = os.path.dirname(os.path.abspath(__file__))


def run(argv, lines, name):
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    proc = subprocess.run(argv, input=data, capture_output=True, timeout=120, check=False)
    problems = []
    if proc.returncode != 0:
        problems.append("%s exited %d" % (name, proc.returncode))
    if proc.stderr:
        problems.append("%s wrote to stderr: %r" % (name, proc.stderr[:500]))
    answers = proc.stdout.decode("utf-8", "replace").split("\n")
    if answers and answers[-1] == "":
        answers.pop()
    if len(answers) != len(lines):
        problems.append("%s answered %d lines for %d" % (name, len(answers), len(lines)))
    if problems:
        sys.exit("\n".join(problems))
    return answers


def show(text):
    return "[" + text.encode("unicode_escape").decode("ascii") + "]"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("range_eval")
    parser.add_argument("--perl", default="/usr/bin/perl")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="a Python with nagiosplugin (Debian's python3)")
    args = parser.parse_args()

    pairs = range_cases.range_cases()
    thresholds = range_cases.threshold_cases()
    lines = ["range\t%s\t%s" % pair for pair in pairs]
    lines += ["threshold\t%s\t%s\t%d" % triple for triple in thresholds]
    expected = [range_cases.contract_answer(*pair) for pair in pairs]
    expected += [range_cases.contract_threshold(*triple) for triple in thresholds]
    keys = [(r, v) for r, v in pairs] + [("-w %s -c %s" % (w, c), str(n)) for w, c, n in thresholds]

    plugin_raw = run([args.range_eval], lines, "range_eval")
    plugin = [answer.split("\t", 1)[0] for answer in plugin_raw]
    references = {
        range_cases.PERL: run([args.perl, os.path.join(HERE, "ref_monitoring_plugin.pl")],
                              lines, "ref_monitoring_plugin.pl"),
        range_cases.PYTHON: run([args.python, os.path.join(HERE, "ref_nagiosplugin.py")],
                                lines, "ref_nagiosplugin.py"),
    }

    failures = []
    for index, (key, want, got, raw) in enumerate(zip(keys, expected, plugin, plugin_raw)):
        if got != want:
            failures.append(("plugin", key, want, got, "differs from the contract"))
        elif got == "invalid":
            message = raw.split("\t", 1)[1] if "\t" in raw else ""
            names = [key[0]] if index < len(pairs) else [
                text for text in thresholds[index - len(pairs)][:2]
                if text and range_cases.contract_parse(text) is None]
            if not message or not any("'%s'" % name in message for name in names):
                failures.append(("plugin", key, want, raw, "message does not name the range"))

    used = set()
    documented = []
    for reference, answers in references.items():
        for index, (key, want, got) in enumerate(zip(keys, expected, answers)):
            if got == want:
                continue
            if index < len(pairs):
                candidates = [(reference, key[0], key[1]), (reference, key[0])]
            else:
                # A -w/-c pair with a range the contract rejects: documented when that range is.
                candidates = [(reference, text) for text in thresholds[index - len(pairs)][:2]
                              if text and range_cases.contract_parse(text) is None]
            entry = next((c for c in candidates if c in range_cases.REFERENCE_DEVIATIONS), None)
            if entry is None:
                failures.append((reference, key, want, got, "undocumented difference"))
                continue
            used.add(entry)
            documented.append((reference, key, want, got, range_cases.REFERENCE_DEVIATIONS[entry]))
    for entry in sorted(set(range_cases.REFERENCE_DEVIATIONS) - used, key=str):
        failures.append((entry[0], entry[1:], "-", "-", "documented difference did not occur"))

    # The two references against each other: every disagreement is one of the documented ones.
    disagreements = []
    for key, want, perl, python, got in zip(keys, expected, references[range_cases.PERL],
                                            references[range_cases.PYTHON], plugin):
        if perl != python:
            follows = [name for name, answer in ((range_cases.PERL, perl),
                                                 (range_cases.PYTHON, python)) if answer == got]
            disagreements.append((key, perl, python, got, ", ".join(follows) or "neither"))

    print("%d (range, value) pairs, %d (warning, critical, count) triples" %
          (len(pairs), len(thresholds)))
    print("%d documented reference differences from the contract:" % len(documented))
    for reference, key, want, got, why in documented:
        print("  %-18s %-22s value %-18s contract %-8s reference %-8s %s" %
              (reference, show(key[0]), key[1], want, got, why))
    print("%d cases where the two references disagree with each other:" % len(disagreements))
    for key, perl, python, got, follows in disagreements:
        print("  %-22s value %-18s %s %-8s %s %-8s plugin %-8s (follows %s)" %
              (show(key[0]), key[1], range_cases.PERL, perl, range_cases.PYTHON, python, got,
               follows))
    if failures:
        print("\nFAILED: %d differences" % len(failures))
        print("  %-18s %-26s %-18s %-10s %-10s %s" %
              ("who", "range", "value", "expected", "got", "problem"))
        for who, key, want, got, problem in failures:
            print("  %-18s %-26s %-18s %-10s %-10s %s" %
                  (who, show(str(key[0])), key[1] if len(key) > 1 else "", want, got, problem))
        return 1
    print("\nOK: the plugin gives the contract's answer for every case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
