#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference evaluator: Debian's python3-nagiosplugin (nagiosplugin.Range, ScalarContext).

Same line protocol as range_eval.cpp (see test_differential_ranges.py):
  range<TAB>RANGE<TAB>VALUE          -> alert | ok | invalid
  threshold<TAB>WARN<TAB>CRIT<TAB>N  -> ok | warning | critical | invalid  (empty = not set)

A value is read the way nagiosplugin reads a range bound (int without '.', else float), so
both sides of a comparison are what the library itself would hold.
"""
import sys

import nagiosplugin


def parse_value(text):
    return float(text) if "." in text else int(text)


def parse_range(text):
    try:
        return nagiosplugin.Range(text)
    except (ValueError, TypeError):
        return None


def evaluate_range(range_text, value_text):
    parsed = parse_range(range_text)
    if parsed is None:
        return "invalid"
    # Range.match (also `value in range`) is True when the value does NOT alert.
    return "ok" if parse_value(value_text) in parsed else "alert"


def evaluate_threshold(warning, critical, count_text):
    for text in (warning, critical):
        if text and parse_range(text) is None:
            return "invalid"
    context = nagiosplugin.ScalarContext(
        "unlisted", warning=warning or None, critical=critical or None)
    result = context.evaluate(nagiosplugin.Metric("unlisted", int(count_text)), None)
    return {
        nagiosplugin.Ok: "ok",
        nagiosplugin.Warn: "warning",
        nagiosplugin.Critical: "critical",
    }.get(result.state, "state-{}".format(result.state))


def main():
    out = []
    for number, line in enumerate(sys.stdin.buffer.read().decode("utf-8").split("\n"), 1):
        if line == "":
            continue
        fields = line.split("\t")
        if len(fields) == 3 and fields[0] == "range":
            out.append(evaluate_range(fields[1], fields[2]))
        elif len(fields) == 4 and fields[0] == "threshold":
            out.append(evaluate_threshold(fields[1], fields[2], fields[3]))
        else:
            sys.exit("ref_nagiosplugin.py: line %d: malformed" % number)
    sys.stdout.write("".join(item + "\n" for item in out))


if __name__ == "__main__":
    main()
