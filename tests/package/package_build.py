# SPDX-License-Identifier: GPL-3.0-or-later
"""What the deb and rpm tests share: the package's paths, and building a package with CPack."""
import glob
import os
import subprocess

PACKAGE = "check-port-owner"
PLUGIN = "/usr/lib/nagios/plugins/check_port_owner"
RPM_PLUGIN = "/usr/lib64/nagios/plugins/check_port_owner"
CHECK_COMMAND = "/usr/share/icinga2/include/plugins-contrib.d/check_port_owner.conf"
NAGIOS_COMMANDS = "/etc/nagios-plugins/config/check_port_owner.cfg"
ALLOW_LIST = "/etc/nagios/check_port_owner.ini"
MAN_PAGE = "/usr/share/man/man1/check_port_owner.1.gz"
DOC = f"/usr/share/doc/{PACKAGE}"


def build_package(cpack, build_dir, out_dir, generator):
    """Runs `cpack -G generator` on the build tree's CPackConfig.cmake, the package written to
    out_dir; returns its path. CPack installs the tree first, so the tree must be built."""
    result = subprocess.run(
        [cpack, "-G", generator, "--config", os.path.join(build_dir, "CPackConfig.cmake"),
         "-B", out_dir], capture_output=True, text=True, timeout=300, cwd=build_dir)
    found = glob.glob(os.path.join(out_dir, "*.deb" if generator == "DEB" else "*.rpm"))
    assert result.returncode == 0 and len(found) == 1, \
        f"cpack -G {generator} built {found}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return found[0]
