# SPDX-License-Identifier: GPL-3.0-or-later
"""Options and fixtures shared by the Python test suites.

The built programs come as options (ctest passes them, see tests/CMakeLists.txt): --plugin,
--range-eval, --busy-host, --spawn-measured, --build-dir, --cpack. A test that needs one that is
missing fails, it is not skipped; so does a test that needs root for its network namespace.
"""
import os
import signal

import pytest

from pylib.engines import reachable_workdir
from pylib.netns import private_network_namespace
from pylib.processes import Processes

PROGRAM_OPTIONS = {
    "--plugin": "the check_port_owner binary",
    "--range-eval": "tests/contract's range_eval binary",
    "--busy-host": "tests/bench's busy_host binary",
    "--spawn-measured": "tests/bench's spawn_measured binary",
    "--build-dir": "a configured and built tree of the project (for CPack)",
    "--cpack": "the cpack program",
}

# Debian's own interpreter, whatever runs pytest: the engines run it as the nagios user (who
# cannot reach an interpreter under /root, pyenv and the like), the suites copy it as holders,
# and only it sees Debian's python3-nagiosplugin.
DEBIAN_PYTHON = "/usr/bin/python3"
DEBIAN_PERL = "/usr/bin/perl"


def pytest_addoption(parser):
    group = parser.getgroup("check_port_owner")
    for option, help_text in PROGRAM_OPTIONS.items():
        group.addoption(option, help=help_text)


def pytest_configure(config):
    # SIGTERM (a test runner giving up) as an interruption, so that fixtures still stop the
    # daemons they started and purge what they installed.
    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, interrupt)


def _program_fixture(option):
    """A session fixture giving the absolute path the command line passed as `option`."""
    @pytest.fixture(scope="session")
    def program(request):
        value = request.config.getoption(option)
        if not value:
            pytest.fail(f"this test needs {option} PATH ({PROGRAM_OPTIONS[option]})",
                        pytrace=False)
        return os.path.abspath(value)
    return program


plugin = _program_fixture("--plugin")
range_eval = _program_fixture("--range-eval")
busy_host = _program_fixture("--busy-host")
spawn_measured = _program_fixture("--spawn-measured")
build_dir = _program_fixture("--build-dir")
cpack = _program_fixture("--cpack")


@pytest.fixture(scope="session")
def debian_python():
    return DEBIAN_PYTHON


@pytest.fixture(scope="session")
def debian_perl():
    return DEBIAN_PERL


@pytest.fixture(scope="module")
def module_netns():
    """The module's tests share one private network namespace (an engine started once)."""
    with private_network_namespace():
        yield


@pytest.fixture(scope="module")
def module_processes(module_workdir):
    """Daemons started for the module's tests, stopped by pid when the module is done (before
    their directory is removed)."""
    processes = Processes()
    yield processes
    processes.stop_all()


@pytest.fixture(scope="module")
def module_workdir(request):
    """A temporary directory the engine user can reach, for the module's tests."""
    with reachable_workdir(f"{request.module.__name__}-") as path:
        yield path
