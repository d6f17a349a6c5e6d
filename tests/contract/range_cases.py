# SPDX-License-Identifier: GPL-3.0-or-later
"""The differential range cases and the contract's own reading of a range.

The plugin contract (docs/architecture.md, ranges) is the authority: its grammar decides what is
valid, its table what alerts. `contract_answer` is that text turned into code, so every case
has an expected answer that does not come from any of the three implementations under test.
Numbers are read as IEEE 754 doubles, as the plugin (C++), Perl and strtod-based C plugins do.
"""
import math
import re

NUM = r"[0-9]+(?:\.[0-9]+)?"
# ^@?((~|[-+]?NUM)?:)?([-+]?NUM)?$, with fullmatch so no trailing newline slips through.
GRAMMAR = re.compile(r"(@?)(?:(~|[-+]?%s)?(:))?([-+]?%s)?" % (NUM, NUM), re.ASCII)


def contract_parse(text):
    """(inside, start, end) with +-inf for open ends, or None when the contract rejects it."""
    match = GRAMMAR.fullmatch(text)
    if match is None or not re.search(r"[0-9~]", text):
        return None
    inside, start_text, colon, end_text = match.groups()
    if start_text == "~":
        start = -math.inf
    elif start_text:
        start = float(start_text)
    else:
        start = 0.0
    end = float(end_text) if end_text else math.inf
    if start > end:
        return None
    return bool(inside), start, end


def contract_answer(range_text, value_text):
    parsed = contract_parse(range_text)
    if parsed is None:
        return "invalid"
    inside, start, end = parsed
    value = float(value_text)
    within = start <= value <= end
    return "alert" if within == inside else "ok"


def contract_threshold(warning, critical, count):
    """Critical is checked before warning."""
    for text in (warning, critical):
        if text and contract_parse(text) is None:
            return "invalid"
    if critical and contract_answer(critical, str(count)) == "alert":
        return "critical"
    if warning and contract_answer(warning, str(count)) == "alert":
        return "warning"
    return "ok"


# Every range form of the contract's table and grammar, with signs, decimals, `~`, `@`, an
# empty start (`:10`), leading zeros, and the all-open `~:`.
VALID_RANGES = [
    "10", "+10", "0", "10.5", "010", "0.25",
    "10:", "-10:", "+10:", "10.5:", "0:",
    "~:10", "~:-10", "~:0", "~:10.5", "~:+10",
    "10:20", "10:10", "-5:-1", "-10:10", "0.5:1.5", "+5:+10", "-0:0", "00.50:01.50", ":10",
    "@10", "@10:", "@~:10", "@10:20", "@-5:-1", "@10:10", "@:10", "@0.5:1.5",
    "~:", "@~:",
]

# Values tried against every valid range, besides each range's own boundaries.
FIXED_VALUES = ["-1000", "-1", "-0", "0", "1000"]

# Outside the contract's grammar, or start above end. Each is tried with two values, since a
# reference that accepts it may then answer either way.
INVALID_RANGES = [
    "", "@", "~", ":", "@:", "@~", "~~:", "::", "+", "-", ".", "@@10", "10@",
    "20:10", "10:-5", "-1:-2", "-5", "@-5", "-0.5", "10.5:10.25",
    "10:20:30", "~:10:", "10::", ":10:",
    "1e3", "1E3", "1.5e3", "10e", "e3", "1e3:2e3",
    "10%", "1,10", "1,5", "10:20,5",
    " 10", "10 ", "1 0", "10: 20", "@ 10", " ",
    "1.", ".5", "1..2", "1.2.3", "10.:20", "~:.5",
    "~10", "10~", "10:~", "~:~",
    "abc", "inf", "nan", "-inf:", "0x10", "1_0", "\u0661\u0660", "--5", "+-5", "5-",
]
INVALID_VALUES = ["0", "15"]


def _number_text(number):
    text = "{:.6f}".format(number).rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _boundary_values(range_text):
    _, start, end = contract_parse(range_text)
    values = []
    for bound in (start, end):
        if math.isfinite(bound):
            for delta in (-1, -0.5, -0.000001, 0, 0.000001, 0.5, 1):
                values.append(_number_text(bound + delta))
    return values


# Numbers beyond what a double holds exactly. Above 2**53, 9007199254740993 reads as ...992 in a
# double (the plugin, strtod in the C monitoring-plugins library, this file), while Perl and
# Python keep such integers exact; a decimal is a double everywhere (see README.md).
PRECISION_CASES = [
    ("9007199254740992", "9007199254740993"),
    ("9007199254740992", "9007199254740992"),
    ("10.0000000000000001:", "10"),
]


def range_cases():
    """[(range, value)], unique, in a stable order."""
    cases = []
    for range_text in VALID_RANGES:
        assert contract_parse(range_text) is not None, range_text
        for value in FIXED_VALUES + _boundary_values(range_text):
            cases.append((range_text, value))
    for range_text in INVALID_RANGES:
        assert contract_parse(range_text) is None, range_text
        for value in INVALID_VALUES:
            cases.append((range_text, value))
    cases.extend(PRECISION_CASES)
    seen = set()
    unique = []
    for case in cases:
        if case not in seen:
            seen.add(case)
            unique.append(case)
    return unique


THRESHOLD_WARNINGS = ["", "1", "5", "10", "~:3", "2:", "@1:2", "0:0"]
THRESHOLD_CRITICALS = ["", "5", "3", "10:", "@0", "~:1", "3:5"]
THRESHOLD_COUNTS = [0, 1, 2, 3, 4, 5, 6, 10, 11]
THRESHOLD_INVALID = [("1e3", "5"), ("5", "20:10"), ("10%", ""), ("", "@")]


def threshold_cases():
    """[(warning, critical, count)]: -w/-c together, critical checked first."""
    cases = []
    for warning in THRESHOLD_WARNINGS:
        for critical in THRESHOLD_CRITICALS:
            if not warning and not critical:
                continue
            for count in THRESHOLD_COUNTS:
                cases.append((warning, critical, count))
    for warning, critical in THRESHOLD_INVALID:
        cases.append((warning, critical, 4))
    return cases


PERL = "Monitoring::Plugin"
PYTHON = "nagiosplugin"

# Where a reference answers differently from the contract, and why (README.md explains each).
# Key: (reference, range) for every value of that range, or (reference, range, value).
# Every entry must still occur: the differential test fails on a stale entry as on a new one.
_PERL_LENIENT = {
    "1e3": "exponent: $value_re allows e",
    "1.5e3": "exponent: $value_re allows e",
    "1e3:2e3": "exponent: $value_re allows e",
    " 10": "whitespace: parse_range_string strips all \\s first",
    "10 ": "whitespace: parse_range_string strips all \\s first",
    "1 0": "whitespace: parse_range_string strips all \\s first (reads 10)",
    "10: 20": "whitespace: parse_range_string strips all \\s first",
    "@ 10": "whitespace: parse_range_string strips all \\s first",
    "1.": "dots: $value_re is [\\d.]+",
    ".5": "dots: $value_re is [\\d.]+",
    "1..2": "dots: $value_re is [\\d.]+ (reads 1, warning ignored)",
    "1.2.3": "dots: $value_re is [\\d.]+ (reads 1.2, warning ignored)",
    "10.:20": "dots: $value_re is [\\d.]+",
    "~:.5": "dots: $value_re is [\\d.]+",
}
_PYTHON_LENIENT = {
    "": "empty: Range('') is the unset range (0:inf)",
    "@": "empty bounds default to 0 and inf",
    ":": "empty bounds default to 0 and inf",
    "@:": "empty bounds default to 0 and inf",
    "1.5e3": "exponent: float() reads it (int() does not: 1e3 is rejected)",
    " 10": "whitespace: int()/float() strip it",
    "10 ": "whitespace: int()/float() strip it",
    "10: 20": "whitespace: int()/float() strip it",
    "@ 10": "whitespace: int()/float() strip it",
    "1.": "float() reads 1.",
    ".5": "float() reads .5",
    "10.:20": "float() reads 10.",
    "~:.5": "float() reads .5",
    "1_0": "int() accepts PEP 515 underscores (reads 10)",
    "\u0661\u0660": "int() accepts Unicode decimal digits (reads 10)",
}
REFERENCE_DEVIATIONS = {}
REFERENCE_DEVIATIONS.update({(PERL, r): why for r, why in _PERL_LENIENT.items()})
REFERENCE_DEVIATIONS.update({(PYTHON, r): why for r, why in _PYTHON_LENIENT.items()})
REFERENCE_DEVIATIONS.update({
    (PERL, "9007199254740992", "9007199254740993"): "exact 64-bit integers (IV) beyond 2**53",
    (PYTHON, "9007199254740992", "9007199254740993"): "exact Python int beyond 2**53",
})
