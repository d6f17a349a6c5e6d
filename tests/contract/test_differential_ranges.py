# SPDX-License-Identifier: GPL-3.0-or-later
"""Differential test of threshold ranges: the plugin's range code against the contract and two
independent references.

range_eval is the plugin's ThresholdRange and apply_unlisted_policy; the references are Debian's
libmonitoring-plugin-perl (ref_monitoring_plugin.pl) and python3-nagiosplugin
(ref_nagiosplugin.py). Every case has the contract's answer (range_cases.contract_answer), and:
  - the plugin must give exactly the contract's answer; an invalid range must be rejected with
    a message that names it;
  - each reference must give the contract's answer too, except where README.md documents the
    difference (range_cases.REFERENCE_DEVIATIONS); an undocumented difference fails, and so
    does a documented one that no longer happens;
  - where the references disagree with each other, the plugin follows the one that rejects.
"""
import dataclasses
import os
import subprocess

import pytest

import range_cases
from pylib.assertions import listing

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCES = (range_cases.PERL, range_cases.PYTHON)


@dataclasses.dataclass
class Case:
    key: tuple  # (range, value) or ("-w W -c C", count), for messages
    expected: str  # the contract's answer
    invalid_ranges: list  # the ranges of the case that the contract rejects
    documented_keys: list  # REFERENCE_DEVIATIONS keys that may cover a difference, per reference


def _range_case(range_text, value):
    invalid = [range_text] if range_cases.contract_parse(range_text) is None else []
    return Case((range_text, value), range_cases.contract_answer(range_text, value), invalid,
                [(range_text, value), (range_text,)])


def _threshold_case(warning, critical, count):
    invalid = [text for text in (warning, critical)
               if text and range_cases.contract_parse(text) is None]
    # A -w/-c pair with a range the contract rejects: documented when that range is.
    return Case((f"-w {warning} -c {critical}", str(count)),
                range_cases.contract_threshold(warning, critical, count), invalid,
                [(text,) for text in invalid])


@pytest.fixture(scope="module")
def cases():
    pairs = range_cases.range_cases()
    thresholds = range_cases.threshold_cases()
    lines = ["range\t%s\t%s" % pair for pair in pairs]
    lines += ["threshold\t%s\t%s\t%d" % triple for triple in thresholds]
    return lines, [_range_case(*pair) for pair in pairs] + [
        _threshold_case(*triple) for triple in thresholds]


def evaluate(argv, lines):
    """One answer line per input line from an evaluator speaking the line protocol."""
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    run = subprocess.run(argv, input=data, capture_output=True, timeout=120, check=False)
    assert run.returncode == 0 and not run.stderr, \
        f"{argv}: exit {run.returncode}, stderr {run.stderr[:500]!r}"
    answers = run.stdout.decode("utf-8", "replace").split("\n")
    if answers and answers[-1] == "":
        answers.pop()
    assert len(answers) == len(lines), f"{argv} answered {len(answers)} lines for {len(lines)}"
    return answers


@pytest.fixture(scope="module")
def plugin_raw(range_eval, cases):
    """range_eval's answers: `alert`, `ok`, ... or `invalid<TAB>message`."""
    return evaluate([range_eval], cases[0])


@pytest.fixture(scope="module")
def plugin_answers(plugin_raw):
    return [answer.split("\t", 1)[0] for answer in plugin_raw]


@pytest.fixture(scope="module")
def reference_answers(cases, debian_perl, debian_python):
    return {
        range_cases.PERL: evaluate([debian_perl, os.path.join(HERE, "ref_monitoring_plugin.pl")],
                                   cases[0]),
        range_cases.PYTHON: evaluate([debian_python, os.path.join(HERE, "ref_nagiosplugin.py")],
                                     cases[0]),
    }


def show(text):
    return "[" + text.encode("unicode_escape").decode("ascii") + "]"


def describe(case, got, problem):
    return "%-26s value %-18s expected %-10s got %-10s %s" % (
        show(case.key[0]), case.key[1], case.expected, got, problem)


def test_the_cases_cover_the_grammar(cases):
    lines, all_cases = cases
    print("%d (range, value) pairs, %d (warning, critical, count) triples" % (
        len(range_cases.range_cases()), len(range_cases.threshold_cases())))
    assert len(lines) == len(all_cases) > 1000
    assert {case.expected for case in all_cases} == {
        "ok", "alert", "invalid", "warning", "critical"}


def test_plugin_gives_the_contracts_answer(cases, plugin_answers):
    wrong = [describe(case, got, "differs from the contract")
             for case, got in zip(cases[1], plugin_answers) if got != case.expected]
    assert not wrong, listing(wrong)


def test_plugin_names_the_invalid_range(cases, plugin_raw):
    unnamed = []
    for case, raw in zip(cases[1], plugin_raw):
        if case.expected == "invalid" and raw.startswith("invalid"):
            message = raw.split("\t", 1)[1] if "\t" in raw else ""
            if not any("'%s'" % text in message for text in case.invalid_ranges):
                unnamed.append(describe(case, raw, "the message does not name the range"))
    assert not unnamed, listing(unnamed)


def _differences(reference, cases, answers):
    """(documented [(case, answer, entry)], undocumented [(case, answer)]) of a reference."""
    documented, undocumented = [], []
    for case, got in zip(cases, answers):
        if got == case.expected:
            continue
        entry = next((entry for entry in ((reference,) + key for key in case.documented_keys)
                      if entry in range_cases.REFERENCE_DEVIATIONS), None)
        if entry is None:
            undocumented.append((case, got))
        else:
            documented.append((case, got, entry))
    return documented, undocumented


@pytest.mark.parametrize("reference", REFERENCES)
def test_reference_differs_only_where_documented(reference, cases, reference_answers):
    documented, undocumented = _differences(reference, cases[1], reference_answers[reference])
    print("%d documented differences of %s from the contract:" % (len(documented), reference))
    for case, got, entry in documented:
        print("  " + describe(case, got, range_cases.REFERENCE_DEVIATIONS[entry]))
    assert not undocumented, listing(
        describe(case, got, "undocumented difference") for case, got in undocumented)


@pytest.mark.parametrize("reference", REFERENCES)
def test_every_documented_difference_occurs(reference, cases, reference_answers):
    documented, _ = _differences(reference, cases[1], reference_answers[reference])
    used = {entry for _, _, entry in documented}
    stale = sorted((entry for entry in range_cases.REFERENCE_DEVIATIONS
                    if entry[0] == reference and entry not in used), key=str)
    assert not stale, "documented differences that did not occur:" + listing(stale)


def test_where_references_disagree_the_plugin_follows_the_one_that_rejects(
        cases, reference_answers, plugin_answers):
    perl, python = reference_answers[range_cases.PERL], reference_answers[range_cases.PYTHON]
    wrong = []
    print("cases where the two references disagree with each other:")
    for case, perl_answer, python_answer, got in zip(cases[1], perl, python, plugin_answers):
        if perl_answer == python_answer:
            continue
        print("  %-22s value %-18s %s %-8s %s %-8s plugin %s" % (
            show(case.key[0]), case.key[1], range_cases.PERL, perl_answer, range_cases.PYTHON,
            python_answer, got))
        rejecting = "invalid" in (perl_answer, python_answer)
        if got not in (perl_answer, python_answer) or rejecting and got != "invalid":
            wrong.append(describe(case, got, f"{range_cases.PERL} says {perl_answer}, "
                                             f"{range_cases.PYTHON} {python_answer}"))
    assert not wrong, listing(wrong)
