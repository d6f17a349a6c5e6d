# SPDX-License-Identifier: GPL-3.0-or-later
"""The .rpm, built with CPack on Debian (rpmbuild from Debian's rpm package) and read with rpm:
its file list in the RPM layout (/usr/lib64), the directories it must not own, the capabilities
(%caps), the config files, no scriptlet, and the NRPE example rewritten for /usr/lib64.
Nothing is installed."""
import io
import re
import subprocess
import tarfile

import pytest

from package_build import (ALLOW_LIST, CHECK_COMMAND, DOC, MAN_PAGE, NAGIOS_COMMANDS, RPM_PLUGIN,
                           build_package)
from pylib.plugin import CAPABILITIES
from pylib.processes import require_programs

RPM_FILES = [RPM_PLUGIN, CHECK_COMMAND, NAGIOS_COMMANDS, ALLOW_LIST, MAN_PAGE, f"{DOC}/copyright",
             f"{DOC}/examples/nrpe/check_port_owner.cfg"]
SHARED_DIRECTORIES = ["/etc/nagios", "/usr/lib64/nagios/plugins", "/usr/share/man/man1",
                      "/usr/share/icinga2/include/plugins-contrib.d", "/usr/share/lintian"]


@pytest.fixture(scope="module")
def rpm(cpack, build_dir, tmp_path_factory):
    require_programs(["rpmbuild", "rpm2archive"], "rpm rpm2cpio")
    return build_package(cpack, build_dir, str(tmp_path_factory.mktemp("rpm")), "RPM")


def query(rpm, *options):
    return subprocess.run(["rpm", "-qp"] + list(options) + [rpm], capture_output=True, text=True,
                          timeout=60).stdout


@pytest.fixture(scope="module")
def listing(rpm):
    return query(rpm, "-l").split()


@pytest.mark.parametrize("path", RPM_FILES)
def test_rpm_has(listing, path):
    assert path in listing


def test_nothing_under_usr_lib(listing):
    """The plugin directory of RPM systems is /usr/lib64."""
    assert not [path for path in listing if path.startswith("/usr/lib/")]


@pytest.mark.parametrize("directory", SHARED_DIRECTORIES)
def test_shared_directory_is_not_owned(listing, directory):
    assert directory not in listing


def test_caps(rpm):
    filecaps = query(rpm, "--filecaps")
    assert re.search(re.escape(RPM_PLUGIN) + r"\s+" + re.escape(CAPABILITIES), filecaps), filecaps


def test_config_files(rpm):
    configfiles = query(rpm, "--configfiles").split()
    assert ALLOW_LIST in configfiles and NAGIOS_COMMANDS in configfiles, configfiles


def test_allow_list_is_noreplace(rpm):
    flags = query(rpm, "--qf", "[%{FILENAMES} %{FILEFLAGS:fflags}\n]")
    assert re.search(re.escape(ALLOW_LIST) + r" \S*n", flags), flags


def test_no_scriptlet(rpm):
    """rpm itself sets the capabilities (%caps) and removes all it installed."""
    assert query(rpm, "--scripts").strip() == ""


def test_nrpe_example_runs_the_lib64_plugin(rpm):
    """The NRPE example names the plugin by its path: read it from the payload."""
    with open(rpm, "rb") as package:
        archive = subprocess.run(["rpm2archive", "-"], stdin=package, capture_output=True,
                                 timeout=60, check=True)
    example = "./" + DOC.lstrip("/") + "/examples/nrpe/check_port_owner.cfg"
    with tarfile.open(fileobj=io.BytesIO(archive.stdout), mode="r:*") as tar:
        text = tar.extractfile(example).read().decode()
    assert RPM_PLUGIN in text and "/usr/lib/nagios/plugins/check_port_owner " not in text, text
