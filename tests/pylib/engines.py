# SPDX-License-Identifier: GPL-3.0-or-later
"""What Nagios 4 and Icinga 2 have in common in these tests: the user they run as, directories
that user can reach, a notification command that logs to a file, check results in one shape,
and waiting for them.
"""
import contextlib
import dataclasses
import json
import os
import pwd
import shutil
import tempfile

from pylib import plugin as plugin_output
from pylib.processes import wait_until

ENGINE_USER = "nagios"  # the user both Debian packages run their daemon as


def engine_user():
    return pwd.getpwnam(ENGINE_USER)


def owned_dir(path):
    """path (created if needed) owned by the engine user, mode 0755."""
    user = engine_user()
    os.makedirs(path, exist_ok=True)
    os.chown(path, user.pw_uid, user.pw_gid)
    os.chmod(path, 0o755)
    return path


@contextlib.contextmanager
def reachable_workdir(prefix):
    """A temporary directory in /tmp, mode 0755, removed afterwards (kept when the environment
    sets CHECK_PORT_OWNER_KEEP_WORKDIR=1). In /tmp whatever TMPDIR says: the engine's user must
    reach the configuration and run the binaries in it, which a private TMPDIR (under /root) or
    pytest's own 0700 temporary directories would not allow."""
    path = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        if os.environ.get("CHECK_PORT_OWNER_KEEP_WORKDIR") == "1":
            print(f"kept {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def session_processes(session_id):
    """{pid: (comm, real uid, effective uid)} of the processes in a session, e.g. an engine's."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                stat = f.read()
            with open(f"/proc/{entry}/status", encoding="utf-8", errors="replace") as f:
                uids = next(line for line in f if line.startswith("Uid:")).split()[1:3]
        except (OSError, StopIteration):
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == session_id:
            found[int(entry)] = (comm, int(uids[0]), int(uids[1]))
    return found


def tail(path, lines=40):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as error:
        return f"({path}: {error})\n"


_NOTIFY_SCRIPT = """#!{python} -I
import json, sys
with open({path!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
"""


class NotificationLog:
    """A notification command for the engines (`command`) that appends its arguments as one JSON
    line to a file the engine user may write; `records()` reads them back."""

    def __init__(self, directory, python):
        self.path = os.path.join(directory, "notifications.jsonl")
        with open(self.path, "w", encoding="utf-8"):
            pass
        user = engine_user()
        os.chown(self.path, user.pw_uid, user.pw_gid)
        self.command = os.path.join(directory, "notify")
        with open(self.command, "w", encoding="utf-8") as f:
            f.write(_NOTIFY_SCRIPT.format(python=python, path=self.path))
        os.chmod(self.command, 0o755)

    def records(self):
        """[[argument, ...], ...], one per notification, in order."""
        with open(self.path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]


@dataclasses.dataclass
class ServiceResult:
    """A service's latest check result as an engine recorded it."""
    state: int
    hard: bool
    first_line: str
    long_lines: list
    perfdata_items: list
    checked_at: object  # the engine's time stamp of the result, to tell a newer one
    exit_status: int = None  # Icinga 2 only
    command: list = None  # Icinga 2 only: the argv it ran

    @property
    def perfdata(self):
        return plugin_output.parse_perfdata(self.perfdata_items)


class _RepeatedResults:
    """Tells when every service has a check result newer than the first one seen."""

    def __init__(self, services):
        self.first = {name: None for name in services}

    def all_repeated(self, results):
        repeated = True
        for name in self.first:
            stamp = results[name].checked_at if name in results else None
            if self.first[name] is None:
                self.first[name] = stamp
            if stamp is None or stamp == self.first[name]:
                repeated = False
        return repeated


def wait_for_results(engine, services, timeout_s, repeated=False, also=None):
    """Waits until the engine has a check result for every service, or with `repeated` a result
    newer than the first one seen (the engine runs the check periodically: values from a repeated
    run prove more than a first one), and also() holds. engine: `running()` and `results()`
    ({name: ServiceResult}, None when unreadable). Returns the results, or None on timeout or
    when the engine exited."""
    tracker = _RepeatedResults(services)

    def probe():
        if not engine.running():
            return "exited"
        results = engine.results()
        if results is None:
            return None
        done = tracker.all_repeated(results) if repeated else all(n in results for n in services)
        if not done:
            return None
        if also is not None and not also():
            return None
        return results

    found = wait_until(timeout_s, probe)
    return found if isinstance(found, dict) else None
