# SPDX-License-Identifier: GPL-3.0-or-later
"""A private mount namespace for the test process, where directories of the test are bind-mounted
over system paths: a packaged configuration that names /usr/lib/nagios/plugins/check_port_owner
or /etc/nagios/... then runs as written, with the test's files, and nothing changes outside.

`private_mount_namespace({target: source})` moves the calling process into a new mount namespace
(every mount private, so nothing propagates back), bind-mounts each source over its target, and
moves back when the block ends; the namespace and its mounts go with the last process in it.
Processes started inside inherit it. Root needed.
"""
import contextlib
import ctypes
import os
import shutil
import subprocess

CLONE_NEWNS = 0x00020000

_libc = ctypes.CDLL(None, use_errno=True)


def _call(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(*args):
    mount = shutil.which("mount") or "/usr/bin/mount"
    run = subprocess.run([mount] + list(args), capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"mount {' '.join(args)}: {run.stderr.strip()}")


@contextlib.contextmanager
def private_mount_namespace(binds):
    """Runs the block (and every process it starts) in a new mount namespace where each
    directory `source` of binds ({target: source}) is mounted over `target`."""
    if os.geteuid() != 0:
        raise PermissionError("a mount namespace needs root (unshare CLONE_NEWNS)")
    # setns() into a mount namespace resets the working directory: it is restored afterwards.
    cwd = os.getcwd()
    with open("/proc/self/ns/mnt", "rb") as original:
        _call(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        try:
            _mount("--make-rprivate", "/")
            for target, source in binds.items():
                _mount("--bind", source, target)
            yield
        finally:
            _call(_libc.setns(original.fileno(), CLONE_NEWNS), "setns back")
            os.chdir(cwd)
