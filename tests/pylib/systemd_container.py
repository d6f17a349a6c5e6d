# SPDX-License-Identifier: GPL-3.0-or-later
"""A real systemd as PID 1 in its own namespaces (tests/systemd/systemd_container.sh), for tests
of socket activation: start it on a directory shared with it, run commands in it, stop it.
"""
import os
import subprocess
import tempfile
import time

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                      "systemd", "systemd_container.sh")


class SystemdContainer:
    """One booted container. `shared` is bind-mounted into it at the same path."""

    def __init__(self, shared):
        self.shared = shared
        self._parent = tempfile.mkdtemp(prefix="systemd-container-")
        self.state = os.path.join(self._parent, "state")

    def start(self):
        """Boots systemd and returns once it reports `running` (the script waits)."""
        started = time.monotonic()
        subprocess.run([SCRIPT, "start", self.state, self.shared], check=True, timeout=120)
        return time.monotonic() - started

    def stop(self):
        subprocess.run([SCRIPT, "stop", self.state], check=False, timeout=60)
        os.rmdir(self._parent)

    def run(self, argv, check=False, timeout=60):
        """Runs argv inside; returns the CompletedProcess with text output."""
        return subprocess.run([SCRIPT, "exec", self.state, "--"] + list(argv),
                              capture_output=True, text=True, errors="replace",
                              check=check, timeout=timeout)

    def write_file(self, path, text):
        subprocess.run([SCRIPT, "exec", self.state, "--", "sh", "-c", 'cat >"$0"', path],
                       input=text, text=True, check=True, timeout=60)

    def systemctl(self, *args):
        return self.run(["systemctl"] + list(args), check=True)

    def wait_until_active(self, unit, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.run(["systemctl", "is-active", "--quiet", unit]).returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError(f"{unit} did not become active within {timeout} s")
