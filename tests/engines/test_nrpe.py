# SPDX-License-Identifier: GPL-3.0-or-later
"""check_port_owner behind NRPE: Debian's nagios-nrpe-server with its own /etc/nagios/nrpe.cfg
and the packaged snippet plugins/nrpe/check_port_owner.cfg in nrpe.d/, both as written (fixed
arguments, dont_blame_nrpe=0), queried with check_nrpe from nagios-nrpe-plugin.

The module runs in a private network namespace and a private mount namespace where the test's
directories are mounted over /usr/lib/nagios/plugins (the plugin with the packaged capabilities),
/etc/nagios (Debian's nrpe.cfg, the snippet, the allow-list the snippet names) and /run/nagios,
so the snippet's command lines run exactly as written and nothing changes outside. One nrpe,
started once, drops to the nagios user as packaged. Copies of Debian's python3 named `nginx` and
`msproxy` hold tcp/80 and tcp/81 as root.

Asserted: OK and CRITICAL (the culprit on line 1) through NRPE; the output through NRPE is the
plugin's own, byte for byte but for the run time, long output and perfdata included, also when
the plugin cuts its output at 8 KiB; and what NRPE 4.1 itself cuts, as the README documents: the
first 65,504 bytes with v4 packets (check_nrpe's default), 1,023 bytes with v2 or v3 packets.
"""
import os
import re
import shutil
import subprocess

import pytest

from pylib import SOURCE_DIR
from pylib import plugin as check_port_owner
from pylib.assertions import (assert_counts, assert_perfdata_conventions,
                              assert_same_lines, assert_state_line,
                              assert_text_lines_clean)
from pylib.engines import ENGINE_USER, engine_user, owned_dir, session_processes
from pylib.mountns import private_mount_namespace
from pylib.processes import PortHolder, require_programs, wait_until

pytestmark = pytest.mark.usefixtures("module_netns")

NRPE = "/usr/sbin/nrpe"
CHECK_NRPE = "/usr/lib/nagios/plugins/check_nrpe"  # hidden in the mount namespace: copied
DEBIAN_NRPE_CONFIG = "/etc/nagios/nrpe.cfg"
SNIPPET = os.path.join(SOURCE_DIR, "plugins", "nrpe", "check_port_owner.cfg")
# What the snippet names, as the package installs them.
PLUGIN = "/usr/lib/nagios/plugins/check_port_owner"
ALLOW_LIST = "/etc/nagios/check_port_owner.ini"
OK_PORT, CRITICAL_PORT = 80, 81
MANY_PORTS = range(2000, 2150)  # enough rules for more than the plugin's 8 KiB of output
# NRPE 4.1 (Debian 12), measured: what check_nrpe prints of a longer output, by packet version.
NRPE_LIMITS = {"v4": ([], 65504), "v3": (["-3"], 1023), "v2": (["-2"], 1023)}
# A command of the test's own (in nrpe_local.cfg, as Debian means it): more than NRPE passes.
LONG_COMMAND, LONG_COMMAND_BYTES = "e2e_long_output", 70000
START_TIMEOUT_S = 30.0

_LONG_SCRIPT = """import sys
line = 0
out = []
while sum(map(len, out)) < {size}:
    out.append("line %05d " % line + "x" * 68 + "\\n")
    line += 1
sys.stdout.write("".join(out)[:{size}])
"""


@pytest.fixture(scope="module")
def mounted(plugin, debian_python, module_workdir):
    """The module's mount namespace: {path: the directory of the test mounted there}."""
    require_programs([NRPE, CHECK_NRPE], "nagios-nrpe-server nagios-nrpe-plugin")
    plugins = os.path.join(module_workdir, "plugins")
    etc = os.path.join(module_workdir, "etc-nagios")
    os.makedirs(os.path.join(etc, "nrpe.d"), 0o755)
    os.chmod(etc, 0o755)
    os.mkdir(plugins, 0o755)
    check_port_owner.install_copy(plugin, plugins, capabilities=True)
    # The Nagios server's side, which the mount hides: check_nrpe, from another directory.
    server = os.path.join(module_workdir, "nagios-server")
    os.mkdir(server, 0o755)
    shutil.copy(CHECK_NRPE, server)
    shutil.copyfile(DEBIAN_NRPE_CONFIG, os.path.join(etc, "nrpe.cfg"))
    shutil.copyfile(SNIPPET, os.path.join(etc, "nrpe.d", "check_port_owner.cfg"))
    script = os.path.join(module_workdir, "long_output.py")
    with open(script, "w", encoding="utf-8") as f:
        f.write(_LONG_SCRIPT.format(size=LONG_COMMAND_BYTES))
    with open(os.path.join(etc, "nrpe_local.cfg"), "w", encoding="utf-8") as f:
        f.write(f"command[{LONG_COMMAND}]={debian_python} {script}\n")
    binds = {"/usr/lib/nagios/plugins": plugins, "/etc/nagios": etc,
             "/run/nagios": owned_dir(os.path.join(module_workdir, "run-nagios"))}
    with private_mount_namespace(binds):
        yield os.path.join(server, "check_nrpe")


def write_allow_list(ports_allowing_nginx):
    """The allow-list the snippet's commands read: one section per port, nginx allowed."""
    with open(ALLOW_LIST, "w", encoding="utf-8") as f:
        f.write("".join(f"[tcp/{port}]\nallow = nginx\n" for port in ports_allowing_nginx))
    os.chmod(ALLOW_LIST, 0o644)


@pytest.fixture(scope="module")
def holders(mounted, debian_python, module_workdir):
    """nginx on tcp/80 and tcp/2000-2149, msproxy on tcp/81, as root."""
    started = {}
    try:
        for name, ports in (("nginx", [OK_PORT] + list(MANY_PORTS)), ("msproxy", [CRITICAL_PORT])):
            exe = os.path.join(module_workdir, name)
            shutil.copyfile(os.path.realpath(debian_python), exe)
            os.chmod(exe, 0o755)
            started[name] = PortHolder(exe, ports, address="0.0.0.0")
        yield started
    finally:
        for holder in started.values():
            holder.stop()


@pytest.fixture(scope="module")
def check_nrpe(mounted):
    """check_nrpe(ARGS...): check_nrpe -H 127.0.0.1 ARGS, (exit code, what it printed)."""
    def run_check_nrpe(*args):
        run = subprocess.run([mounted, "-H", "127.0.0.1"] + list(args), capture_output=True,
                             timeout=60)
        return run.returncode, run.stdout.decode("utf-8", "replace")
    return run_check_nrpe


@pytest.fixture(scope="module")
def nrpe(check_nrpe, holders, module_processes, module_workdir):
    """Debian's nrpe with its own nrpe.cfg, in the foreground, once; its version answers."""
    with open(os.path.join(module_workdir, "nrpe.log"), "wb") as log:
        process = module_processes.start("nrpe", [NRPE, "-c", "/etc/nagios/nrpe.cfg", "-f"],
                                         stdin=subprocess.DEVNULL, stdout=log,
                                         stderr=subprocess.STDOUT)
    answered = wait_until(START_TIMEOUT_S, lambda: process.poll() is not None
                          or check_nrpe()[1].startswith("NRPE v"))
    assert answered and process.poll() is None, \
        f"nrpe did not answer within {START_TIMEOUT_S:.0f} s (exit {process.poll()})"
    return process


def snippet_argv(command):
    """The plugin's arguments for the snippet's command[NAME]=..., as written."""
    with open(SNIPPET, encoding="utf-8") as f:
        for line in f:
            name, _, command_line = line.strip().partition("=")
            if name == f"command[{command}]":
                argv = command_line.split()
                assert argv[0] == PLUGIN
                return argv[1:]
    raise AssertionError(f"no command[{command}] in {SNIPPET}")


def without_run_time(text):
    return re.sub(r"\btime=[0-9.]+s", "time=Ts", text)


def assert_same_output(through_nrpe, direct):
    """The same output but for the run time."""
    assert_same_lines(without_run_time(through_nrpe.stdout).splitlines(),
                      without_run_time(direct.stdout).splitlines())


def query(check_nrpe, command):
    """The snippet's command through NRPE and run directly as nagios: (NRPE's PluginRun, the
    direct one)."""
    code, output = check_nrpe("-c", command)
    direct = check_port_owner.run(PLUGIN, snippet_argv(command), user=ENGINE_USER)
    return check_port_owner.PluginRun(code, output, ""), direct


def test_nrpe_runs_as_the_engine_user(nrpe, check_nrpe):
    processes = session_processes(nrpe.pid)
    uid = engine_user().pw_uid
    assert processes and all(euid == uid for _, _, euid in processes.values()), processes


def test_the_snippet_relaxes_nothing(nrpe, check_nrpe):
    """Fixed arguments: Debian's dont_blame_nrpe=0 stays, the snippet takes no $ARGn$, and NRPE
    drops a request that brings arguments (check_nrpe -a) without running anything."""
    with open("/etc/nagios/nrpe.cfg", encoding="utf-8") as f:
        assert "dont_blame_nrpe=0" in f.read().splitlines()
    with open(SNIPPET, encoding="utf-8") as f:
        assert "$" not in f.read()
    code, output = check_nrpe("-c", "check_port_owner", "-a", "80=msproxy")
    assert code == 3 and "PORT_OWNER" not in output, output
    assert nrpe.poll() is None and check_nrpe("-c", "check_port_owner")[1].startswith("PORT_OWNER")


def test_ok(nrpe, check_nrpe, holders):
    write_allow_list([OK_PORT])
    through_nrpe, direct = query(check_nrpe, "check_port_owner")
    assert through_nrpe.code == 0, through_nrpe.stdout
    assert_state_line(through_nrpe.first_line, "OK")
    nginx = holders["nginx"]
    line = check_port_owner.holder_line("OK", OK_PORT, "nginx", nginx.pid, nginx.exe)
    assert [text for text in through_nrpe.long_lines if text.startswith(line)], through_nrpe.stdout
    assert_counts(through_nrpe.perfdata, {"rules": 1, "rules_ok": 1, "rules_unexpected": 0})
    assert_same_output(through_nrpe, direct)


def test_critical_names_the_culprit(nrpe, check_nrpe, holders):
    write_allow_list([OK_PORT, CRITICAL_PORT])
    through_nrpe, direct = query(check_nrpe, "check_port_owner")
    msproxy = holders["msproxy"]
    assert through_nrpe.code == 2, through_nrpe.stdout
    summary = through_nrpe.first_line.partition(" | ")[0]
    assert summary == (f"PORT_OWNER CRITICAL - tcp/{CRITICAL_PORT} held by msproxy "
                       f"(pid {msproxy.pid}, user root), expected nginx")
    line = check_port_owner.holder_line("CRITICAL", CRITICAL_PORT, "msproxy", msproxy.pid,
                                        msproxy.exe)
    assert [text for text in through_nrpe.long_lines
            if text.startswith(line) and text.endswith("(allowed: nginx)")], through_nrpe.stdout
    assert_counts(through_nrpe.perfdata, {"rules": 2, "rules_ok": 1, "rules_unexpected": 1})
    assert_same_output(through_nrpe, direct)


def test_unlisted_listeners_warn(nrpe, check_nrpe, holders):
    """check_port_owner_unlisted: msproxy and nrpe's own listeners are not in the allow-list."""
    write_allow_list([OK_PORT] + list(MANY_PORTS))
    through_nrpe, direct = query(check_nrpe, "check_port_owner_unlisted")
    assert through_nrpe.code == 1, through_nrpe.stdout
    perfdata = through_nrpe.perfdata
    assert perfdata["unlisted"].value == perfdata["listeners"].value - perfdata["rules"].value
    assert_same_output(through_nrpe, direct)


def test_long_output_and_perfdata_intact(nrpe, check_nrpe, holders):
    """151 rules: the plugin cuts its output at 8 KiB, visibly; NRPE passes all of it."""
    write_allow_list([OK_PORT] + list(MANY_PORTS))
    through_nrpe, direct = query(check_nrpe, "check_port_owner")
    assert through_nrpe.code == 0, through_nrpe.stdout[:2000]
    assert 4096 < len(direct.stdout.encode()) <= 8192
    assert "more lines cut (output limited to 8 KiB)" in through_nrpe.stdout
    assert_same_output(through_nrpe, direct)
    assert_text_lines_clean(through_nrpe.long_lines)
    labels = [label for label in check_port_owner.PERFDATA_LABELS if label != "unlisted"]
    assert_perfdata_conventions(through_nrpe.perfdata, labels)
    assert_counts(through_nrpe.perfdata, {"rules": 1 + len(MANY_PORTS),
                                          "rules_ok": 1 + len(MANY_PORTS)})


def test_v2_packets_keep_line_1_only(nrpe, check_nrpe, holders):
    """An old check_nrpe (v2 packets) gets 1,023 bytes: line 1 and its perfdata survive."""
    write_allow_list([OK_PORT] + list(MANY_PORTS))
    code, output = check_nrpe("-2", "-c", "check_port_owner")
    direct = check_port_owner.run(PLUGIN, snippet_argv("check_port_owner"), user=ENGINE_USER)
    assert code == 0
    assert len(output.encode()) == 1024 and output.endswith("\n")
    assert without_run_time(direct.stdout).startswith(without_run_time(output[:-1]))
    assert without_run_time(output.split("\n")[0]) == without_run_time(direct.first_line)


@pytest.mark.parametrize("packets", NRPE_LIMITS)
def test_what_nrpe_cuts(nrpe, check_nrpe, packets, debian_python, module_workdir):
    """The sizes the README gives: the first N bytes of a longer output, then check_nrpe's
    newline."""
    options, kept = NRPE_LIMITS[packets]
    code, output = check_nrpe(*options, "-c", LONG_COMMAND)
    expected = subprocess.run([debian_python, os.path.join(module_workdir, "long_output.py")],
                              capture_output=True, text=True, check=True).stdout
    assert len(expected) == LONG_COMMAND_BYTES
    assert code == 0
    assert output == expected[:kept] + "\n"
