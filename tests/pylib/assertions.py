# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks on the plugin's output shared by several suites, as plain asserts with messages that
show what was found."""
import re

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


CUT_LINE = re.compile(r"^\.\.\. (\d+) more lines cut ")


def assert_same_lines_but_the_cut(ours, theirs, key=lambda line: line):
    """Two runs' output lines, the same but where the plugin cut them at 8 KiB: the run time's own
    length (time=0.01s or time=0.123s) can move the cut by a line. Then the lines both kept are
    the same (as far as `key` of each tells), and kept plus cut adds up to the same number of
    lines."""
    cuts = [CUT_LINE.match(lines[-1]) if lines else None for lines in (ours, theirs)]
    if not all(cuts):
        assert ours == theirs
        return
    kept = min(len(ours), len(theirs)) - 1
    differ = [(a, b) for a, b in zip(ours[:kept], theirs[:kept]) if key(a) != key(b)]
    assert not differ, (f"{len(differ)} lines differ, the first:\n  {differ[0][0]!r}\n"
                        f"  {differ[0][1]!r}")
    assert abs(len(ours) - len(theirs)) <= 1, (len(ours), len(theirs))
    assert len(ours) + int(cuts[0].group(1)) == len(theirs) + int(cuts[1].group(1))
