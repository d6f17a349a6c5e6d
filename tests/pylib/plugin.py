# SPDX-License-Identifier: GPL-3.0-or-later
"""Running check_port_owner and reading what it printed: state, lines, perfdata. Also the file
capabilities the packages give it, for tests that run it as the unprivileged engine user.
"""
import collections
import os
import shutil
import struct
import subprocess

STATES = ("OK", "WARNING", "CRITICAL", "UNKNOWN")

# The perfdata labels in their documented order; `unlisted` only with -w or -c.
PERFDATA_LABELS = ("rules", "rules_ok", "rules_missing", "rules_unexpected", "rules_unattributed",
                   "listeners", "unlisted", "time")

CAPABILITIES = "cap_dac_read_search,cap_sys_ptrace=p"

PerfValue = collections.namedtuple("PerfValue", "label value uom warn crit min max fields raw")


class PluginRun(collections.namedtuple("PluginRun", "code stdout stderr")):
    """One run: exit code, stdout and stderr as text."""

    @property
    def lines(self):
        return self.stdout.split("\n")

    @property
    def first_line(self):
        return self.lines[0]

    @property
    def long_lines(self):
        return [line for line in self.lines[1:] if line]

    @property
    def perfdata(self):
        """{label: PerfValue} from the perfdata after line 1's `|`."""
        _, bar, perf = self.first_line.partition("|")
        return parse_perfdata(perf.split()) if bar else {}


def run(plugin, args, user=None, timeout=60):
    """Runs the plugin with LC_ALL=C, as root or, with `user`, as that user without any inherited
    capability (setpriv), as an engine that dropped privileges would."""
    argv = [plugin] + list(args)
    env = dict(os.environ, LC_ALL="C")
    cwd = None
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups",
                "--inh-caps=-all", "--"] + argv
        env, cwd = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}, "/"
    process = subprocess.run(argv, capture_output=True, timeout=timeout, env=env, cwd=cwd,
                             check=False)
    return PluginRun(process.returncode, process.stdout.decode("utf-8", "replace"),
                     process.stderr.decode("utf-8", "replace"))


def parse_perfdata(items):
    """items: tokens `label=value[uom];warn;crit;min;max`. Returns {label: PerfValue}, in order;
    `fields` are the `;`-separated fields as written (value with its unit first)."""
    parsed = {}
    for item in items:
        label, _, rest = item.partition("=")
        fields = rest.split(";")
        value_text = fields[0]
        number_end = len(value_text)
        while number_end and not value_text[number_end - 1].isdigit():
            number_end -= 1
        padded = fields + [""] * (5 - len(fields))
        parsed[label] = PerfValue(label, float(value_text[:number_end]),
                                  value_text[number_end:], padded[1], padded[2], padded[3],
                                  padded[4], fields, item)
    return parsed


def holder_line(state, port, name, pid, exe, address="0.0.0.0", user="root"):
    """The start of the plugin's line for a TCP listener and its holder, as -v and up print it."""
    return f"{state} tcp/{port} {address}: {name} pid {pid} user {user} exe {exe}"


def set_file_capabilities(path):
    """What the Debian package's postinst does: setcap cap_dac_read_search,cap_sys_ptrace=p.
    Written as the xattr itself (struct vfs_cap_data, revision 2), so libcap2-bin is not
    needed."""
    cap_dac_read_search, cap_sys_ptrace = 2, 19
    permitted = (1 << cap_dac_read_search) | (1 << cap_sys_ptrace)
    vfs_cap_revision_2 = 0x02000000  # no effective bit: the plugin raises them itself
    os.setxattr(path, "security.capability",
                struct.pack("<5I", vfs_cap_revision_2, permitted, 0, 0, 0))


def install_copy(plugin, directory, capabilities, name="check_port_owner"):
    """A copy of the plugin in directory (mode 0755), with or without the packaged capabilities
    (a plain copy never carries the security.capability xattr)."""
    path = os.path.join(directory, name)
    shutil.copyfile(plugin, path)
    os.chmod(path, 0o755)
    if capabilities:
        set_file_capabilities(path)
    return path
