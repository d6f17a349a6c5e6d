# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks on the plugin's output shared by several suites, as plain asserts with messages that
show what was found."""

from pylib.plugin import STATES


def listing(problems):
    """A list of problems as an indented block, for an assertion message."""
    return "\n" + "\n".join(f"  - {problem}" for problem in problems)


def assert_state_line(line, state):
    """Line 1 of the plugin's output announces `state`."""
    assert state in STATES
    assert line.startswith(f"PORT_OWNER {state} - "), f"line 1 {line!r} is not {state}"


def assert_text_lines_clean(lines):
    """No perfdata separator or carriage return left in the text an engine shows."""
    bad = [line for line in lines if "|" in line or "\r" in line]
    assert not bad, f"'|' or CR left in the text lines {bad!r}"


def assert_perfdata_conventions(perfdata, labels):
    """perfdata ({label: PerfValue}): exactly `labels`, in that order; each value non-negative
    with min 0, in seconds for `time` and without a unit otherwise."""
    assert list(perfdata) == list(labels)
    wrong = [item.raw for item in perfdata.values()
             if item.uom != ("s" if item.label == "time" else "") or item.min != "0"
             or item.value < 0]
    assert not wrong, f"perfdata without min 0, a value >= 0 or the right unit: {wrong}"


def assert_counts(perfdata, expected):
    """The perfdata counters named in `expected` ({label: number}) have those values."""
    counts = {label: perfdata[label].value for label in expected if label in perfdata}
    assert counts == expected


def assert_same_lines(ours, theirs):
    """Two copies of one output, line by line; a difference is shown whole. The plugin cuts its
    output at 8 KiB in the same place whatever its run time, so two runs on the same host agree
    exactly but for the time= value."""
    differ = [(i, a, b) for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    assert not differ, (f"{len(differ)} lines differ, the first (line {differ[0][0] + 1}):\n"
                        f"  {differ[0][1]!r}\n  {differ[0][2]!r}")
    assert len(ours) == len(theirs), (len(ours), len(theirs), ours[-1:], theirs[-1:])
