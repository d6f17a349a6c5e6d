# SPDX-License-Identifier: GPL-3.0-or-later
"""The engines' scenario (engine_scenario.py): the plugin copy with capabilities, the `nginx` and
`msproxy` holders and the notification log, set up once per test module."""
import os
import shutil

import pytest

from engine_scenario import CRITICAL_PORT, OK_PORT, Scenario
from pylib import plugin as check_port_owner
from pylib.engines import NotificationLog
from pylib.processes import PortHolder


@pytest.fixture(scope="module")
def scenario(plugin, debian_python, module_netns, module_workdir):
    bin_dir = os.path.join(module_workdir, "bin")
    os.mkdir(bin_dir, 0o755)
    plugin_copy = check_port_owner.install_copy(plugin, bin_dir, capabilities=True)
    holders = {}
    try:
        for name, port in (("nginx", OK_PORT), ("msproxy", CRITICAL_PORT)):
            exe = os.path.join(bin_dir, name)
            shutil.copyfile(os.path.realpath(debian_python), exe)
            os.chmod(exe, 0o755)
            holders[name] = PortHolder(exe, [port], address="0.0.0.0")
        yield Scenario(plugin_copy, holders, NotificationLog(bin_dir, debian_python))
    finally:
        for holder in holders.values():
            holder.stop()
