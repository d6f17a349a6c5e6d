"""The default mode and --all-holders give the same answers on the benchmark's busy host.

On the synthetic host of the benchmark (busy_host, small size, in a private network namespace;
root), check_port_owner -vv runs on the 12 rules in the default mode and with --all-holders,
alternating, ROUNDS times. In every round:
  1. both exit with the same code, and line 1 has the same state;
  2. each rule has the same state in both modes;
  3. every holder the default mode reports for a rule is among those --all-holders reports;
  4. the impostor `evil` (comm nginx, on tcp/8443) is named as the culprit in both, on line 1
     and on the tcp/8443 line;
  5. (as in the benchmark) every listener is attributed to one of its real holders in both, and
     --all-holders finds every holder (the nginx master and its 4 workers, the SO_REUSEPORT
     group).
Nothing here assumes the default mode finds fewer holders than --all-holders: the two are
compared, whatever the default is. No timing is measured or asserted.
"""
import pytest

import bench_host
from pylib.assertions import listing

SIZE = "small"
ROUNDS = 3
MODES = ("default", "--all-holders")


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
                spawn_measured, bench_host.plugin_argv(plugin, host.manifest, mode != "default"))
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
        default, complete = runs["default"], runs["--all-holders"]
        default_state, _ = bench_host.read_plugin_output(default.stdout)
        complete_state, _ = bench_host.read_plugin_output(complete.stdout)
        problems = []
        if default.returncode != complete.returncode:
            problems.append(f"exit codes differ: default {default.returncode}, --all-holders "
                            f"{complete.returncode}")
        if default_state is None or default_state != complete_state:
            problems.append(f"line-1 states differ: default {default_state}, --all-holders "
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


def test_same_state_per_rule_and_default_holders_within_all_holders(rounds, host):
    def problems_of(runs):
        _, default = bench_host.read_plugin_output(runs["default"].stdout)
        _, complete = bench_host.read_plugin_output(runs["--all-holders"].stdout)
        problems = []
        for rule in host.manifest["rules"]:
            label = rule.split("=", 1)[0]
            if label not in default or label not in complete:
                problems.append(f"{label}: missing from an output")
                continue
            if default[label][0] != complete[label][0]:
                problems.append(f"{label}: state {default[label][0]} in the default mode, "
                                f"{complete[label][0]} with --all-holders")
            extra = set(default[label][1]) - set(complete[label][1])
            if extra:
                problems.append(f"{label}: the default mode reports holders {sorted(extra)} "
                                f"that --all-holders does not")
        return problems
    assert_every_round(rounds, problems_of)


@pytest.mark.parametrize("mode", MODES)
def test_every_listener_attributed_to_a_real_holder(rounds, host, mode):
    """Both modes; with --all-holders, every holder found."""
    assert_every_round(rounds, lambda runs: bench_host.check_plugin_output(
        runs[mode], host.manifest, mode == "--all-holders"))
