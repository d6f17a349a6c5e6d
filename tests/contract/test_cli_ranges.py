# SPDX-License-Identifier: GPL-3.0-or-later
"""-w/-c end to end: real unlisted listeners in a private network namespace, the plugin's exit
code and its `unlisted=` perfdata.

For each row (N listeners, -w, -c, exit), the expected exit code is written out by hand and must
also be what the contract's own reading (range_cases.contract_threshold: critical before
warning) gives. An invalid range must exit 3 with one stdout line naming it and nothing on
stderr. Root needed: the listeners live in private network namespaces.
"""
import re
import sys

import pytest

import range_cases
from pylib import plugin as check_port_owner
from pylib.assertions import assert_state_line
from pylib.netns import private_network_namespace
from pylib.processes import PortHolder

# (N unlisted listeners, -w, -c, exit code); None = option not given.
ROWS = [
    (0, "1", "2", 0), (0, "1:", None, 1), (0, None, "1:", 2), (0, "~:0", "@1:", 0),
    (0, "@0", None, 1), (0, None, "@~:", 2),
    (3, "2", "5", 1), (3, "5", "2", 2), (3, "2", "2", 2), (3, "3", "3", 0), (3, "~:2", "10", 1),
    (3, "@3:4", "10", 1), (3, "@0:2", None, 0), (3, None, "@3", 2), (3, "3:", None, 0),
    (3, "4:", None, 1), (3, "3:3", "3:3", 0), (3, None, "2.5", 2), (3, None, "3.5", 0),
    (3, "~:", "~:", 0), (3, "10:20", "5", 1), (3, "+3", "-1:3", 0), (3, "0.5:2.99", None, 1),
    (6, "5", "10", 1), (6, "5", "5", 2), (6, "@5:6", "6", 1), (6, None, "6", 0),
    (6, None, "5.999999", 2), (6, "@6:", "@7:", 1), (6, "-5:-1", "@-1:5", 1),
]

INVALID = ["", "20:10", "1e3", "@", "~", ":", "10:20:30", "10%", "1,10", " 10", "1.", ".5", "-5",
           "~10", "abc"]

NUMBER = re.compile(r"[+]?[0-9]+(?:\.[0-9]+)?")
FIRST_PORT = 21000


def row_id(row):
    n, warning, critical, _ = row
    return f"N={n} -w {warning} -c {critical}"


def argv_for(warning, critical):
    args = []
    # The --opt=VALUE form, so a range starting with '-' is never read as an option.
    if warning is not None:
        args.append("--warning=" + warning)
    if critical is not None:
        args += ["-c", critical] if not critical.startswith("-") else ["--critical=" + critical]
    return args


def expected_unlisted_fields(n, warning, critical):
    """`unlisted=N;W;C;0`: only a plain number survives in Icinga 2's perfdata, so a range is
    left out (empty field)."""
    return [str(n)] + [text if text is not None and NUMBER.fullmatch(text) else ""
                       for text in (warning, critical)] + ["0"]


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_row_agrees_with_the_contract(row):
    n, warning, critical, exit_code = row
    contract = range_cases.contract_threshold(warning or "", critical or "", n)
    assert contract == ["ok", "warning", "critical"][exit_code]


def as_number(text):
    return float(text) if text else None


@pytest.fixture(scope="module")
def listeners(request):
    """N listeners that no rule covers (N = the parameter), alone in a network namespace. Module
    scope: the rows with the same N share them."""
    ports = range(FIRST_PORT, FIRST_PORT + request.param)
    with private_network_namespace(), PortHolder(sys.executable, ports):
        yield request.param


@pytest.mark.parametrize("listeners, row", [(row[0], row) for row in ROWS],
                         ids=[row_id(row) for row in ROWS], indirect=["listeners"])
def test_threshold_on_real_listeners(listeners, row, plugin):
    n, warning, critical, exit_code = row
    result = check_port_owner.run(plugin, argv_for(warning, critical))
    assert result.code == exit_code, result.first_line
    assert_state_line(result.first_line, check_port_owner.STATES[exit_code])
    assert result.stderr == ""
    assert "unlisted" in result.perfdata, result.first_line
    got = result.perfdata["unlisted"].fields
    want = expected_unlisted_fields(n, warning, critical)
    # -w +3 may be written back as 3: the thresholds compare as numbers.
    assert len(got) == 4 and got[0] == want[0] and got[3] == want[3] and \
        [as_number(text) for text in got[1:3]] == [as_number(text) for text in want[1:3]], \
        f"unlisted={';'.join(got)}, expected {';'.join(want)}"


@pytest.mark.parametrize("listeners", [3], indirect=True)
@pytest.mark.parametrize("short, option", [("-w", "--warning="), ("-c", "--critical=")])
@pytest.mark.parametrize("text", INVALID)
def test_invalid_range_is_named(text, short, option, listeners, plugin):
    # Boost rejects `--warning=` with nothing after it: the empty range is a separate argument.
    argv = [short, text] if text == "" else [option + text]
    result = check_port_owner.run(plugin, argv)
    assert result.code == 3
    assert result.stdout.count("\n") == 1 and result.stdout.endswith("\n"), result.stdout
    assert result.stdout.startswith("PORT_OWNER UNKNOWN - ") and f"'{text}'" in result.stdout
    assert result.stderr == ""
