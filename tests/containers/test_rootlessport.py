# SPDX-License-Identifier: GPL-3.0-or-later
"""rootlessport (rootless Podman's port forwarder with slirp4netns), Debian's real one from the
podman package, started as Podman starts it: its configuration as JSON on stdin, the exit pipe
on fd 3, the ready pipe on fd 4; its child (rootlessport-child) in the "container's" network
namespace, where a copy of Python named nginx listens on 127.0.0.1:8000.

Here no Podman started it, so Podman's state database (read for the container port a host port
leads to, see test_podman.py) lists no container for it: the plugin does not follow it, and the
port is UNATTRIBUTED with the reason unless the rule names rootlessport itself.
Root needed (namespaces, mounts); the test fails without it.
"""
import json
import os
import shutil
import subprocess
import tempfile

import pytest

from pylib.netns import private_network_namespace
from pylib.processes import wait_until
from test_docker_proxy import (Lab, copy_program, inside_network_namespace, private_mounts,
                               start_holder)

ROOTLESSPORT = "/usr/lib/podman/rootlessport"
PODMAN_ID = "c" * 8 + os.urandom(28).hex()


def start_rootlessport(lab, namespace_pid, host_port, container_port):
    exit_read, exit_write = os.pipe()
    ready_read, ready_write = os.pipe()
    config = {"Mappings": [{"host_ip": "", "container_port": container_port,
                            "protocol": "tcp", "host_port": host_port, "range": 1}],
              "NetNSPath": f"/proc/{namespace_pid}/ns/net", "ExitFD": 3, "ReadyFD": 4,
              "TmpDir": lab.workdir, "ChildIP": "127.0.0.1", "ContainerID": PODMAN_ID,
              "RootlessCNI": False}

    def as_podman():
        os.dup2(exit_read, 3)
        os.dup2(ready_write, 4)
    process = lab.keep(subprocess.Popen([ROOTLESSPORT], stdin=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, pass_fds=(3, 4),
                                        preexec_fn=as_podman))
    process.stdin.write(json.dumps(config).encode())
    process.stdin.close()
    os.close(ready_write)
    os.close(exit_read)
    ready = os.read(ready_read, 1)
    os.close(ready_read)
    lab.exit_pipes.append(exit_write)  # rootlessport runs until it is closed
    if ready != b"1":
        pytest.fail("rootlessport did not get ready", pytrace=False)
    return process


@pytest.fixture(scope="module")
def lab(plugin):
    if os.geteuid() != 0:
        pytest.fail("these tests need root (namespaces, mounts)", pytrace=False)
    if not os.path.exists(ROOTLESSPORT):
        pytest.fail(f"{ROOTLESSPORT} is missing: apt-get install podman", pytrace=False)
    workdir = tempfile.mkdtemp(prefix="port-owner-rootlessport-")
    os.chmod(workdir, 0o755)
    with private_mounts(), private_network_namespace():
        lab = Lab(workdir, plugin)
        lab.exit_pipes = []
        try:
            anchor = lab.keep(subprocess.Popen(["unshare", "--net", "sleep", "infinity"]))
            wait_until(5, lambda: os.readlink(f"/proc/{anchor.pid}/ns/net")
                       != os.readlink("/proc/self/ns/net"), 0.05)
            subprocess.run(["nsenter", f"--net=/proc/{anchor.pid}/ns/net", "ip", "link", "set",
                            "lo", "up"], check=True)
            lab.nginx = copy_program(os.path.realpath("/usr/bin/python3"), workdir, "nginx")
            with inside_network_namespace(anchor.pid):
                lab.holder = lab.keep(start_holder(lab.nginx, "127.0.0.1", 8000))
            lab.rootlessport = start_rootlessport(lab, anchor.pid, 18090, 8000)
            yield lab
        finally:
            for pipe in lab.exit_pipes:
                os.close(pipe)
            lab.stop()
            shutil.rmtree(workdir, ignore_errors=True)


def test_rootlessport_without_podman_state_is_not_followed_and_says_why(lab):
    result = lab.run("tcp/18090=nginx")
    assert result.code == 3, result.stdout
    assert (f"rootlessport pid {lab.rootlessport.pid} forwards to a port of the container's "
            "network namespace, which could not be followed: Podman's state") in result.first_line


def test_rootlessport_allowed_by_its_program_only(lab):
    assert lab.run("tcp/18090=rootlessport").code == 0
    assert lab.run(f"tcp/18090=exe:{ROOTLESSPORT}").code == 0
    # The user running it names no program: it could forward anywhere.
    assert lab.run("tcp/18090=user:root").code == 3


def test_forged_rootlessport_is_an_ordinary_holder(lab):
    forged = copy_program(os.path.realpath("/usr/bin/python3"), lab.workdir, "rootlessport")
    process = lab.keep(start_holder(forged, "0.0.0.0", 18091))
    result = lab.run("tcp/18091=nginx")
    user = lab.run("tcp/18091=user:root")
    process.kill()
    assert result.code == 2, result.stdout
    assert f"held by rootlessport (pid {process.pid}, user root)" in result.first_line
    assert user.code == 0, user.stdout
