# SPDX-License-Identifier: GPL-3.0-or-later
"""A private network namespace for the test process: inside, only the listeners a test starts
exist, so the plugin's counts are exact, and ports below 1024 (80, the Icinga API's 5665) are
free whatever runs on the machine.

`private_network_namespace()` moves the calling process into a new namespace with `lo` up and
moves it back when the block ends; every child started inside inherits the namespace.
`NetworkNamespace` is another one beside it, a second machine: entered for a block to start its
processes, joined to the current one by a veth pair. Root needed: without it the test fails, it
is not skipped.
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


class NetworkNamespace:
    """Another network namespace, beside the one the test process is in: made with `lo` up, kept
    alive by a descriptor, entered for a block (`entered()`) so that the processes started there
    live in it. It disappears, veth ends included, once `close()`d and its last process exited.
    Two machines on one host: the test's namespace and this one, joined by `veth_pair`."""

    def __init__(self):
        if os.geteuid() != 0:
            raise PermissionError("a network namespace needs root (unshare CLONE_NEWNET)")
        with open("/proc/self/ns/net", "rb") as original:
            _call(_libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
            try:
                self._ns = open("/proc/self/ns/net", "rb")
                _ip("link", "set", "lo", "up")
            finally:
                _call(_libc.setns(original.fileno(), CLONE_NEWNET), "setns back")

    @contextlib.contextmanager
    def entered(self):
        """Runs the block (and every process it starts) in this namespace."""
        with open("/proc/self/ns/net", "rb") as original:
            _call(_libc.setns(self._ns.fileno(), CLONE_NEWNET), "setns into the namespace")
            try:
                yield
            finally:
                _call(_libc.setns(original.fileno(), CLONE_NEWNET), "setns back")

    def veth_pair(self, here, there, here_address, there_address):
        """A veth pair from the current namespace (device `here`, address `here_address` with
        its prefix, e.g. "192.0.2.10/24") to this one (`there`, `there_address`), both up."""
        fd = self._ns.fileno()
        _ip("link", "add", here, "type", "veth", "peer", "name", there, "netns",
            f"/proc/self/fd/{fd}", pass_fds=[fd])
        _ip("address", "add", here_address, "dev", here)
        _ip("link", "set", here, "up")
        with self.entered():
            _ip("address", "add", there_address, "dev", there)
            _ip("link", "set", there, "up")

    def close(self):
        self._ns.close()


def _ip(*args, pass_fds=()):
    ip = shutil.which("ip") or "/usr/sbin/ip"
    run = subprocess.run([ip] + list(args), capture_output=True, text=True, pass_fds=pass_fds)
    if run.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {run.stderr.strip()}")
