"""Runs a test in a private network namespace with real listeners in it.

`enter()` re-executes the calling script under `/usr/bin/unshare -n` (root needed: a test that
cannot get its namespace fails, it is not skipped), then brings `lo` up. Inside, only the
listeners the test starts exist, so the plugin's counts are exact.
"""
import os
import shutil
import subprocess
import sys

_MARK = "CHECK_PORT_OWNER_CONTRACT_NETNS"

_LISTENER = r"""
import socket, sys
held = []
for port in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", int(port)))
    s.listen(8)
    held.append(s)
sys.stdout.write("ready\n")
sys.stdout.flush()
sys.stdin.read()
"""


def enter():
    if os.environ.get(_MARK) == "1":
        ip = shutil.which("ip") or "/usr/sbin/ip"
        subprocess.run([ip, "link", "set", "lo", "up"], check=True)
        return
    if os.geteuid() != 0:
        sys.exit("FAIL: %s needs root for a private network namespace (unshare -n)" %
                 os.path.basename(sys.argv[0]))
    env = dict(os.environ, **{_MARK: "1"})
    argv = ["/usr/bin/unshare", "-n", "--", sys.executable] + sys.argv
    os.execve(argv[0], argv, env)


class Listeners:
    """One python process holding TCP listeners on 127.0.0.1 at the given ports."""

    def __init__(self, ports):
        self.ports = list(ports)
        self.process = subprocess.Popen(
            [sys.executable, "-c", _LISTENER] + [str(p) for p in self.ports],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        line = self.process.stdout.readline()
        if line != b"ready\n":
            self.close()
            raise RuntimeError("listener on %s did not start" % self.ports)

    def executable(self):
        return os.readlink("/proc/%d/exe" % self.process.pid)

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_plugin(plugin, args):
    """(exit code, stdout text, stderr text) of one plugin run."""
    proc = subprocess.run([plugin] + list(args), capture_output=True, timeout=60, check=False,
                          env=dict(os.environ, LC_ALL="C"))
    return (proc.returncode, proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))
