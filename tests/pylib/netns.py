# SPDX-License-Identifier: GPL-3.0-or-later
"""A private network namespace for the test process: inside, only the listeners a test starts
exist, so the plugin's counts are exact, and ports below 1024 (80, the Icinga API's 5665) are
free whatever runs on the machine.

`private_network_namespace()` moves the calling process into a new namespace with `lo` up and
moves it back when the block ends; every child started inside inherits the namespace. Root
needed: without it the test fails, it is not skipped.
"""
import contextlib
import ctypes
import os
import shutil
import subprocess

CLONE_NEWNET = 0x40000000

_libc = ctypes.CDLL(None, use_errno=True)


def _call(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def network_devices():
    """Names of the network devices of this process's namespace."""
    # /proc/self/net is the namespace of this process; /sys/class/net would show the one sysfs
    # was mounted in.
    with open("/proc/self/net/dev", encoding="ascii") as f:
        return [line.split(":")[0].strip() for line in f.readlines()[2:]]


@contextlib.contextmanager
def private_network_namespace():
    """Runs the block (and every process it starts) in a new network namespace with lo up."""
    if os.geteuid() != 0:
        raise PermissionError("a private network namespace needs root (unshare CLONE_NEWNET)")
    # unshare() moves only the calling thread, and the test process has one thread (pytest
    # starts none); setns() on a descriptor of the original namespace moves it back.
    with open("/proc/self/ns/net", "rb") as original:
        _call(_libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
        try:
            ip = shutil.which("ip") or "/usr/sbin/ip"
            subprocess.run([ip, "link", "set", "lo", "up"], check=True)
            yield
        finally:
            _call(_libc.setns(original.fileno(), CLONE_NEWNET), "setns back")
