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
SANITIZER_OPTIONS = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")


class SystemdContainer:
    """One booted container. `shared` is bind-mounted into it at the same path."""

    def __init__(self, shared):
        self.shared = shared
        self._parent = tempfile.mkdtemp(prefix="systemd-container-")
        self.state = os.path.join(self._parent, "state")

    @staticmethod
    def create():
        """Makes the cached tree unless it is there (debootstrap, about 2 minutes when cold).
        Returns the seconds it took."""
        started = time.monotonic()
        subprocess.run([SCRIPT, "create"], check=True, timeout=480)
        return time.monotonic() - started

    def start(self):
        """Boots systemd and returns once it reports `running` (the script waits at most 60 s);
        returns the seconds that took."""
        started = time.monotonic()
        subprocess.run([SCRIPT, "start", self.state, self.shared], check=True, timeout=120)
        return time.monotonic() - started

    def stop(self):
        subprocess.run([SCRIPT, "stop", self.state], check=False, timeout=60)
        os.rmdir(self._parent)

    def run(self, argv, check=False, timeout=60):
        """Runs argv inside, in a clean environment but for the sanitizers' options (a sanitized
        build of the plugin reports as the sanitizer stage asks); returns the CompletedProcess
        with text output."""
        sanitizer_options = [f"{name}={os.environ[name]}" for name in SANITIZER_OPTIONS
                             if name in os.environ]
        return subprocess.run([SCRIPT, "exec", self.state, "--", "env"] + sanitizer_options
                              + list(argv),
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
