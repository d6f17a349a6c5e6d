# SPDX-License-Identifier: GPL-3.0-or-later
"""The --first-holder shortcut and the default, complete search give the same answers on the
benchmark's busy host.

On the synthetic host of the benchmark (busy_host, small size, in a private network namespace;
root), check_port_owner -vv runs on the 12 rules with --first-holder and in the default mode,
alternating, ROUNDS times. In every round:
  1. both exit with the same code, and line 1 has the same state;
  2. each rule has the same state in both modes;
  3. every holder the shortcut reports for a rule is among those the complete search reports;
  4. the impostor `evil` (comm nginx, on tcp/8443) is named as the culprit in both, on line 1
     and on the tcp/8443 line;
  5. (as in the benchmark) every listener is attributed to one of its real holders in both, and
     the default finds every holder (the nginx master and its 4 workers, the SO_REUSEPORT group).
No timing is measured or asserted.
"""
import pytest

import bench_host
from pylib.assertions import listing

SIZE = "small"
ROUNDS = 3
SHORTCUT, COMPLETE = "--first-holder", "default"
MODES = (SHORTCUT, COMPLETE)


@pytest.fixture(scope="module")
def host(busy_host, module_netns):
    try:
        running = bench_host.BusyHost(busy_host, SIZE)
    except bench_host.SetupError as error:
        pytest.fail(str(error), pytrace=False)
    with running:
        yield running


@pytest.fixture(scope="module")
def rounds(host, plugin, spawn_measured):
    """[{mode: Run}] per round, the two modes alternating."""
    return [{mode: bench_host.run_measured(
                spawn_measured, bench_host.plugin_argv(plugin, host.manifest, mode == SHORTCUT))
             for mode in MODES}
            for _ in range(ROUNDS)]


def assert_every_round(rounds, problems_of):
    """problems_of(runs) -> [problem] for one round; fails with every round's problems and the
    outputs of the rounds that had some."""
    problems, outputs = [], []
    for number, runs in enumerate(rounds):
        found = problems_of(runs)
        problems += [f"round {number}: {problem}" for problem in found]
        if found:
            outputs += [f"--- round {number}, {mode}:\n{runs[mode].stdout}" for mode in MODES]
    assert not problems, listing(problems) + "\n" + "\n".join(outputs)


def test_same_exit_code_and_state(rounds):
    def problems_of(runs):
        shortcut, complete = runs[SHORTCUT], runs[COMPLETE]
        shortcut_state, _ = bench_host.read_plugin_output(shortcut.stdout)
        complete_state, _ = bench_host.read_plugin_output(complete.stdout)
        problems = []
        if shortcut.returncode != complete.returncode:
            problems.append(f"exit codes differ: {SHORTCUT} {shortcut.returncode}, complete "
                            f"{complete.returncode}")
        if shortcut_state is None or shortcut_state != complete_state:
            problems.append(f"line-1 states differ: {SHORTCUT} {shortcut_state}, complete "
                            f"{complete_state}")
        return problems
    assert_every_round(rounds, problems_of)


def test_impostor_named_in_both(rounds, host):
    impostor = host.impostor()

    def problems_of(runs):
        problems = []
        for mode, run in runs.items():
            _, rules = bench_host.read_plugin_output(run.stdout)
            first = run.stdout.splitlines()[0] if run.stdout else ""
            if f"held by evil (pid {impostor['pid']}," not in first:
                problems.append(f"{mode}: line 1 does not name the impostor: {first[:300]!r}")
            state, pids, line = rules.get("tcp/8443", ("", [], ""))
            if state != "CRITICAL" or impostor["pid"] not in pids or "evil pid" not in line:
                problems.append(f"{mode}: tcp/8443 line does not name the impostor: "
                                f"{line[:300]!r}")
        return problems
    assert_every_round(rounds, problems_of)


def test_same_state_per_rule_and_shortcut_holders_within_complete(rounds, host):
    def problems_of(runs):
        _, shortcut = bench_host.read_plugin_output(runs[SHORTCUT].stdout)
        _, complete = bench_host.read_plugin_output(runs[COMPLETE].stdout)
        problems = []
        for rule in host.manifest["rules"]:
            label = rule.split("=", 1)[0]
            if label not in shortcut or label not in complete:
                problems.append(f"{label}: missing from an output")
                continue
            if shortcut[label][0] != complete[label][0]:
                problems.append(f"{label}: state {shortcut[label][0]} with {SHORTCUT}, "
                                f"{complete[label][0]} in the complete search")
            extra = set(shortcut[label][1]) - set(complete[label][1])
            if extra:
                problems.append(f"{label}: {SHORTCUT} reports holders {sorted(extra)} "
                                f"that the complete search does not")
        return problems
    assert_every_round(rounds, problems_of)


@pytest.mark.parametrize("mode", MODES)
def test_every_listener_attributed_to_a_real_holder(rounds, host, mode):
    """Both modes; in the default, complete search, every holder found."""
    assert_every_round(rounds, lambda runs: bench_host.check_plugin_output(
        runs[mode], host.manifest, mode == SHORTCUT))
