# SPDX-License-Identifier: GPL-3.0-or-later
"""The .deb, proved on this machine: built with CPack, lintian, installed with dpkg -i; the
installed plugin run as the nagios user against a listener held by root (full attribution
through the file capabilities set by postinst, and none without them); the packaged
CheckCommand run by a real Icinga 2; the installed Nagios definitions read by `nagios4 -v`;
then dpkg --purge, and nothing of the package left.

Root; the module runs in a private network namespace (it binds ports 80 and 5665 there). It
refuses to run when the package is already installed, and purges what it installed in any case.
The purge tests come last in this file (pytest runs a file's tests in order): until then the
package stays installed.
"""
import glob
import os
import pwd
import re
import shutil
import subprocess

import pytest

from package_build import (ALLOW_LIST, CHECK_COMMAND, DOC, MAN_PAGE, NAGIOS_COMMANDS, PACKAGE,
                           PLUGIN, build_package)
from pylib import plugin as check_port_owner
from pylib.engines import ENGINE_USER, wait_for_results
from pylib.icinga2 import Icinga2
from pylib.nagios import Nagios4
from pylib.processes import PortHolder, require_programs

pytestmark = pytest.mark.usefixtures("module_netns")

PORT = 80
SERVICE = "port80-nginx"
INSTALLED_FILES = [PLUGIN, CHECK_COMMAND, NAGIOS_COMMANDS, ALLOW_LIST, MAN_PAGE,
                   f"{DOC}/copyright", f"{DOC}/changelog.Debian.gz",
                   f"{DOC}/examples/icinga2/example-agent.conf",
                   f"{DOC}/examples/icinga2/example-master-node.conf",
                   f"{DOC}/examples/icinga2/example-agent-node.conf",
                   f"{DOC}/examples/nrpe/check_port_owner.cfg",
                   f"{DOC}/examples/icingaweb2/port_owner.ini"]


def run(argv, timeout=120, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)


def package_installed():
    query = run(["dpkg-query", "-W", "-f=${Status}", PACKAGE])
    return query.returncode == 0 and "installed" in query.stdout.split()[-1:]


@pytest.fixture(scope="module", autouse=True)
def tools():
    require_programs(["lintian", "setpriv", "getcap", "dpkg-shlibdeps", "man", "/usr/sbin/icinga2",
                      "/usr/sbin/nagios4"],
                     "lintian util-linux libcap2-bin dpkg-dev man-db icinga2-bin icinga2-common "
                     "nagios4-core")


@pytest.fixture(scope="module")
def deb(cpack, build_dir, module_workdir):
    return build_package(cpack, build_dir, os.path.join(module_workdir, "deb"), "DEB")


@pytest.fixture(scope="module")
def lintian(deb):
    result = run(["lintian", "--display-info", "--show-overrides", deb], timeout=300)
    print("lintian says:\n" + result.stdout + result.stderr)
    return result.returncode, (result.stdout + result.stderr).splitlines()


@pytest.fixture(scope="module")
def installed(deb):
    """dpkg -i the package; its file list. Purged at the end of the module if a test did not."""
    if package_installed():
        pytest.fail(f"{PACKAGE} is installed on this machine: these tests install and purge it, "
                    f"so they refuse to run (dpkg --purge {PACKAGE} first)", pytrace=False)
    try:
        install = run(["dpkg", "-i", deb], timeout=180,
                      env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        assert install.returncode == 0, f"dpkg -i failed:\n{install.stdout}{install.stderr}"
        yield [line for line in run(["dpkg", "-L", PACKAGE]).stdout.splitlines()
               if line.startswith("/")]
    finally:
        if package_installed():
            run(["dpkg", "--purge", PACKAGE], timeout=180)


@pytest.fixture(scope="module")
def engine_user_account():
    """The nagios user (Debian's nagios4 packages create it): created when missing, and then
    removed at the end."""
    try:
        pwd.getpwnam(ENGINE_USER)
        created = False
    except KeyError:
        add = run(["useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                   "/nonexistent", "--shell", "/usr/sbin/nologin", ENGINE_USER])
        assert add.returncode == 0, add.stderr
        created = True
    yield ENGINE_USER
    if created:
        run(["userdel", ENGINE_USER])


@pytest.fixture(scope="module")
def holder(module_workdir, debian_python):
    """A copy of python3 named nginx holding 0.0.0.0:80 as root."""
    bin_dir = os.path.join(module_workdir, "bin")
    os.makedirs(bin_dir, mode=0o755)
    nginx = os.path.join(bin_dir, "nginx")
    shutil.copyfile(os.path.realpath(debian_python), nginx)
    os.chmod(nginx, 0o755)
    with PortHolder(nginx, [PORT], address="0.0.0.0") as holder:
        yield holder


# --- The package file ------------------------------------------------------------------------


def test_lintian_reports_no_error(lintian):
    code, lines = lintian
    errors = [line for line in lines if line.startswith("E: ")]
    assert not errors and code == 0, errors


def test_lintian_reports_no_warning(lintian):
    """Overrides are justified in the package (packaging/debian/lintian-overrides)."""
    _, lines = lintian
    assert not [line for line in lines if line.startswith("W: ")]


# --- Installed -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", INSTALLED_FILES)
def test_installed_file(installed, path):
    assert path in installed and os.path.isfile(path)


@pytest.mark.parametrize("path", [ALLOW_LIST, NAGIOS_COMMANDS])
def test_conffile(installed, path):
    conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", PACKAGE]).stdout
    assert re.search(r"^\s*" + re.escape(path) + r"\s", conffiles, re.M), conffiles


def test_plugin_mode_is_0755_without_setuid(installed):
    assert os.stat(PLUGIN).st_mode & 0o7777 == 0o755


def test_postinst_sets_the_capabilities(installed):
    getcap = run(["getcap", PLUGIN])
    assert check_port_owner.CAPABILITIES in getcap.stdout.replace("+", "="), getcap.stdout


def test_man_page_renders_without_warnings(installed):
    man = run(["man", "--warnings", "-l", MAN_PAGE],
              env=dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat", LC_ALL="C.UTF-8"))
    assert man.returncode == 0 and "check_port_owner" in man.stdout, man.stderr
    assert not man.stderr.strip()


def test_plugin_as_nagios_identifies_the_root_holder(installed, engine_user_account, holder):
    result = check_port_owner.run(PLUGIN, ["-p", f"{PORT}=nginx"], user=engine_user_account)
    assert result.code == 0 and result.first_line.startswith("PORT_OWNER OK - "), result.stdout
    line = check_port_owner.holder_line("OK", PORT, "nginx", holder.pid, holder.exe)
    assert any(text.startswith(line) for text in result.lines[1:]), result.stdout


def test_without_capabilities_the_holder_is_unattributed(installed, engine_user_account, holder,
                                                         module_workdir):
    """Control: the same binary without the capabilities cannot see the holder."""
    bare = check_port_owner.install_copy(PLUGIN, os.path.join(module_workdir, "bin"),
                                         capabilities=False, name="check_port_owner_bare")
    result = check_port_owner.run(bare, ["-p", f"{PORT}=nginx"], user=engine_user_account)
    assert result.code == 3, result.stdout
    assert f"tcp/{PORT} holder not identified" in result.first_line
    assert "rules_unattributed=1;" in result.first_line


@pytest.fixture(scope="module")
def icinga2(installed, engine_user_account, holder, module_workdir, module_processes):
    """A real Icinga 2 with the packaged CheckCommand from plugins-contrib.d, checking port 80."""
    node = Icinga2(os.path.join(module_workdir, "icinga2"))
    node.write_config(f"""
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include <plugins-contrib>

object CheckerComponent "checker" {{ }}
object Host "package-test-host" {{
  check_command = "dummy"
  check_interval = 5m
}}
object Service "{SERVICE}" {{
  host_name = "package-test-host"
  check_command = "port_owner"
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
  vars.port_owner_port = [ "{PORT}=nginx" ]
}}
""")
    validate = node.validate()
    assert validate.returncode == 0, \
        "icinga2 daemon -C rejects <plugins-contrib> with the packaged CheckCommand:\n" + \
        (validate.stdout + validate.stderr)[-3000:]
    node.start(module_processes)
    results = wait_for_results(node, [SERVICE], 60)
    assert results is not None, f"Icinga 2 did not check {SERVICE} within 60 s\n" + \
        node.diagnostics()
    return node, results[SERVICE]


def test_icinga_runs_the_packaged_check_command(icinga2, holder):
    _, result = icinga2
    assert result.state == 0
    assert result.first_line.startswith("PORT_OWNER OK - ")
    assert any(f"nginx pid {holder.pid} user root exe {holder.exe}" in line
               for line in result.long_lines), result.long_lines
    assert result.command[:1] == [PLUGIN] and "--port" in result.command \
        and f"{PORT}=nginx" in result.command, result.command


def test_the_check_command_comes_from_the_package(icinga2):
    node, _ = icinga2
    attrs = node.api.objects("checkcommands", ("source_location",), name="port_owner")[0]
    assert attrs["source_location"]["path"] == CHECK_COMMAND


def test_nagios_accepts_the_installed_definitions(installed, module_workdir):
    nagios = Nagios4(os.path.join(module_workdir, "nagios"))
    nagios.write_config([NAGIOS_COMMANDS, f"{DOC}/examples/nagios/example-services.cfg"],
                        debian_templates=True)
    verify = nagios.verify()
    output = verify.stdout + verify.stderr
    assert verify.returncode == 0 and re.search(r"Total Errors:\s+0", output), output[-3000:]


# --- Purged (last) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def purged(installed, module_processes):
    """dpkg --purge, once every daemon that could run the plugin is stopped."""
    module_processes.stop_all()
    purge = run(["dpkg", "--purge", PACKAGE], timeout=180)
    return purge, installed


def test_purge_succeeds(purged):
    purge, _ = purged
    assert purge.returncode == 0, purge.stdout + purge.stderr
    assert not package_installed()


def test_purge_leaves_nothing(purged):
    _, files = purged
    present = [path for path in files if os.path.lexists(path)]
    directories = [path for path in present if os.path.isdir(path) and not os.path.islink(path)]
    # A directory shared with other packages, or holding their files, stays. One query for all:
    # `dpkg-query -S` prints `package[, package...]: path` for each path some package owns.
    owned = run(["dpkg-query", "-S"] + directories).stdout if directories else ""
    shared = {line.split(": ", 1)[1] for line in owned.splitlines() if ": " in line}
    left = [path for path in present
            if path not in directories or path not in shared and not os.listdir(path)]
    assert not left
    assert not os.path.exists(ALLOW_LIST)


def test_purge_leaves_no_dpkg_bookkeeping(purged):
    leftovers = glob.glob(f"/var/lib/dpkg/info/{PACKAGE}.*") + glob.glob(f"{ALLOW_LIST}.dpkg-*")
    assert not leftovers
    assert run(["dpkg-statoverride", "--list", PLUGIN]).returncode != 0, \
        "a dpkg-statoverride is left for the plugin"
