# SPDX-License-Identifier: GPL-3.0-or-later
"""Processes a test starts: the programs it needs, daemons (engines) in their own session,
stopped by pid; programs holding listening sockets; and waiting for something to happen, with a
deadline.
"""
import os
import select
import shutil
import signal
import subprocess
import time

import pytest


def require_programs(programs, packages):
    """Fails (does not skip) when a program is missing, naming the Debian packages to install."""
    missing = [program for program in programs if not shutil.which(program)]
    if missing:
        pytest.fail(f"missing {missing}: apt-get install {packages}", pytrace=False)


class Processes:
    """Children started by a test, each in its own session, stopped by pid in `stop_all`."""

    def __init__(self):
        self.children = []  # (name, Popen)

    def start(self, name, argv, **kwargs):
        process = subprocess.Popen(argv, start_new_session=True, **kwargs)
        self.children.append((name, process))
        return process

    @staticmethod
    def stop(process, grace_s=10.0):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        # What the child left in its session (engine workers, running checks): by the process
        # group, whose id is the child's own pid since it started its session.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop_all(self):
        errors = []
        for name, process in reversed(self.children):
            try:
                self.stop(process)
            except Exception as error:  # keep stopping the others
                errors.append(f"stopping {name} (pid {process.pid}): {error}")
        self.children.clear()
        if errors:
            raise RuntimeError("; ".join(errors))


def wait_until(timeout_s, probe, interval_s=0.5):
    """Calls probe() until it returns a true value or timeout_s pass; returns its last value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval_s)


# Holds TCP listeners until killed, and dies with the test process (PR_SET_PDEATHSIG).
_HOLDER_SCRIPT = r"""
import ctypes, os, signal, socket, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    sys.exit(1)  # the test died before prctl
held = []
for port in sys.argv[3:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[2], int(port)))
    s.listen(16)
    held.append(s)
sys.stdout.write("ready\n")
sys.stdout.flush()
while True:
    signal.pause()
"""


class PortHolder:
    """A Python interpreter (or a copy of one under another name, so that the plugin tells the
    holders apart by executable) holding TCP listeners on `address` at `ports`."""

    def __init__(self, interpreter, ports, address="127.0.0.1", ready_timeout_s=10):
        self.ports = list(ports)
        self.address = address
        self.process = subprocess.Popen(
            [interpreter, "-I", "-c", _HOLDER_SCRIPT, str(os.getpid()), address]
            + [str(port) for port in self.ports],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        ready, _, _ = select.select([self.process.stdout], [], [], ready_timeout_s)
        line = self.process.stdout.readline() if ready else b""
        if line != b"ready\n":
            self.stop()
            raise RuntimeError(f"{interpreter} did not get ready on {address} {self.ports} "
                               f"(exit {self.process.poll()})")
        self.pid = self.process.pid
        self.exe = os.readlink(f"/proc/{self.pid}/exe")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
