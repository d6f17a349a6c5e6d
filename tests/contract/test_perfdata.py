# SPDX-License-Identifier: GPL-3.0-or-later
"""Perfdata of real plugin runs, read by Monitoring::Plugin::Performance and held to Icinga 2's
rules (perfdata_check.pl).

The plugin runs in private network namespaces (root) with real listeners, in the scenarios: all
OK, missing, unexpected, unlisted under -w/-c (OK, WARNING, CRITICAL, ranges that perfdata
cannot carry), -v/-vv/-vvv. Each output must pass perfdata_check.pl, and the values it recovered
must be the expected ones. The checker itself must reject each kind of bad perfdata, so that
these tests can fail.
"""
import os
import subprocess
import sys

import pytest

from pylib import plugin as check_port_owner
from pylib.netns import private_network_namespace
from pylib.processes import PortHolder

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, "perfdata_check.pl")
HOLDER = os.path.realpath(sys.executable)

# Each must be rejected by perfdata_check.pl on its own.
BAD_PERFDATA = [
    "a::b=1", "a=1,5", "a=U", "a=1;U", "a=1;10:", "a=1;;@1:2", "a=1;~:5", "a=1e3", "a=1;1e3",
    "a=1 a=2", "A=1", "'a b'=1", "a=1xyz", "a=1;1;1;1;1;1", "a=.5", "a=1.", "a==1",
]
BAD_LAYOUTS = {
    "two_bars": "PORT_OWNER OK - a | b | c=1\n",
    "bar_later": "PORT_OWNER OK - a | c=1\ntext | more\n",
    "cr": "PORT_OWNER OK - a | c=1\r\n",
    "none": "PORT_OWNER OK - a\n",
}

OK_RULE = ["-p", "tcp/20001=exe:" + HOLDER]
BASE = {"rules": ("1", "", "", "0"), "rules_unattributed": ("0", "", "", "0")}
# name: (listener ports, arguments, exit code, expected {label: (value, warn, crit, min)}
# (labels not listed, e.g. time, are checked for order and presence only), labels that must be
# absent).
SCENARIOS = {
    "all_ok": ([20001], OK_RULE, 0,
               dict(BASE, rules_ok=("1", "", "", "0"), listeners=("1", "", "", "0")),
               ["unlisted"]),
    "missing": ([20001], OK_RULE + ["-p", "20999"], 2,
                dict(BASE, rules=("2", "", "", "0"), rules_missing=("1", "", "", "0"),
                     rules_ok=("1", "", "", "0")), ["unlisted"]),
    "unexpected": ([20001], ["-p", "20001=nginx"], 2,
                   dict(BASE, rules_unexpected=("1", "", "", "0"), rules_ok=("0", "", "", "0")),
                   ["unlisted"]),
    "unlisted_ok": ([20001, 20002, 20003], OK_RULE + ["-w", "2", "-c", "5"], 0,
                    dict(BASE, listeners=("3", "", "", "0"), unlisted=("2", "2", "5", "0")), []),
    "unlisted_warning": ([20001, 20002, 20003], OK_RULE + ["-w", "1", "-c", "5"], 1,
                         dict(BASE, unlisted=("2", "1", "5", "0")), []),
    "unlisted_critical": ([20001, 20002, 20003], OK_RULE + ["-w", "0", "-c", "1.5"], 2,
                          dict(BASE, unlisted=("2", "0", "1.5", "0")), []),
    "unlisted_only": ([20001, 20002], ["-w", "1"], 1,
                      {"rules": ("0", "", "", "0"), "unlisted": ("2", "1", "", "0")}, []),
    # Ranges Icinga 2 would drop from perfdata are left out there, not written.
    "unlisted_ranges": ([20001, 20002, 20003], ["-w", "10:", "-c", "@0:1"], 1,
                        {"unlisted": ("3", "", "", "0")}, []),
    "unlisted_inside": ([20001, 20002, 20003], ["-w", "~:5", "-c", "@3"], 2,
                        {"unlisted": ("3", "", "", "0")}, []),
    "verbose": ([20001, 20002, 20003], OK_RULE + ["-v", "-w", "1", "-c", "5"], 1,
                dict(BASE, unlisted=("2", "1", "5", "0")), []),
    "verbose2": ([20001, 20002], OK_RULE + ["-vv", "-p", "20999"], 2,
                 dict(BASE, rules=("2", "", "", "0"), rules_missing=("1", "", "", "0")), []),
    "verbose3": ([20001, 20002], OK_RULE + ["-vvv", "-w", "0", "-c", "5"], 1,
                 dict(BASE, unlisted=("1", "0", "5", "0")), []),
}


def perfdata_check(perl, paths):
    """(exit code, report lines, stderr) of perfdata_check.pl over saved outputs."""
    run = subprocess.run([perl, CHECKER] + list(paths), capture_output=True, timeout=120,
                         check=False)
    return (run.returncode, run.stdout.decode("utf-8", "replace").splitlines(),
            run.stderr.decode("utf-8", "replace"))


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return str(path)


# --- The checker can fail --------------------------------------------------------------------


def test_checker_accepts_good_perfdata(tmp_path, debian_perl):
    good = write(tmp_path / "good",
                 "PORT_OWNER OK - fine | a=1;;;0 b=0.5s;1;2;0;10 c=3;4\nOK detail\n")
    code, report, err = perfdata_check(debian_perl, [good])
    assert code == 0 and not err, report


@pytest.mark.parametrize("perf", BAD_PERFDATA)
def test_checker_rejects_bad_perfdata(perf, tmp_path, debian_perl):
    bad = write(tmp_path / "bad", "PORT_OWNER OK - fine | rules=1;;;0 %s\n" % perf)
    code, report, _ = perfdata_check(debian_perl, [bad])
    assert code == 1 and any("ERROR" in line for line in report), report


@pytest.mark.parametrize("name", BAD_LAYOUTS)
def test_checker_rejects_bad_layout(name, tmp_path, debian_perl):
    code, report, _ = perfdata_check(debian_perl, [write(tmp_path / name, BAD_LAYOUTS[name])])
    assert code == 1, report


# --- The plugin's outputs --------------------------------------------------------------------


@pytest.fixture(scope="module")
def outputs(plugin, tmp_path_factory):
    """{scenario: (PluginRun, saved output file, holder's executable)}: each scenario run once,
    with its listeners alone in a network namespace."""
    directory = tmp_path_factory.mktemp("contract-perfdata")
    found = {}
    for name, (ports, args, _, _, _) in SCENARIOS.items():
        with private_network_namespace(), PortHolder(sys.executable, ports) as holder:
            result = check_port_owner.run(plugin, args)
        found[name] = (result, write(directory / name, result.stdout), holder.exe)
    return found


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_exit_code(name, outputs):
    result, _, holder_exe = outputs[name]
    assert holder_exe == HOLDER, "the listeners run another program than the rule names"
    assert result.code == SCENARIOS[name][2], result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_perfdata(name, outputs, debian_perl):
    _, path, _ = outputs[name]
    _, _, _, want, absent = SCENARIOS[name]
    code, report, err = perfdata_check(debian_perl, [path])
    errors = [line for line in report if line.startswith("ERROR")]
    assert not errors and code == 0 and not err, (errors, code, err)
    # One line per value: FILE LABEL VALUE UOM WARN CRIT MIN MAX.
    values = {fields[1]: fields[2:] for fields in (line.split("\t") for line in report)}
    labels = list(values)
    assert labels == [label for label in check_port_owner.PERFDATA_LABELS if label in values], \
        "labels out of the documented order"
    missing = [label for label in check_port_owner.PERFDATA_LABELS
               if label != "unlisted" and label not in values]
    assert not missing, "labels missing"
    for label, (value, warn, crit, minimum) in want.items():
        got = values.get(label)
        expected = [float(value), "", warn, crit, minimum, ""]
        assert got is not None and [float(got[0])] + got[1:] == expected, \
            f"{label} recovered as {got}"
    assert values["time"][1] == "s", "time is not in seconds"
    assert not [label for label in absent if label in values], "a label that must be absent"


def test_checker_reads_all_outputs_at_once(outputs, debian_perl):
    """As a monitoring engine would see a series of runs."""
    code, report, err = perfdata_check(debian_perl, [path for _, path, _ in outputs.values()])
    assert code == 0 and not err, [line for line in report if "ERROR" in line]
