# SPDX-License-Identifier: GPL-3.0-or-later
"""rootlesskit (rootless Docker's port forwarder) followed to the listener behind it, with
Debian's real rootlesskit and slirp4netns:

- rootlesskit runs as nobody (subordinate ids for nobody and a /dev/net/tun for everyone, both in
  the test's private mount namespace only), with --net=slirp4netns --port-driver=builtin and a
  --state-dir, the way dockerd-rootless.sh starts it; its command, a copy of Python named nginx,
  listens on 127.0.0.1:8000 in rootlesskit's child network namespace;
- that process in a cgroup directory named like Docker's;
- ports added through rootlessctl, as rootless dockerd adds them through the API socket.

Root needed (namespaces, cgroups, mounts); the test fails without it.
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from pylib import plugin as plugin_run
from pylib.netns import private_network_namespace
from pylib.processes import wait_until
from test_docker_proxy import (CONTAINER_NAME, HOLDER_SCRIPT, NOBODY, Lab, _mount, cgroup2_root,
                               copy_program, docker_proxy_binary, private_mounts, start_holder,
                               write_docker_state)

ROOTLESSKIT = "/usr/bin/rootlesskit"
ROOTLESSCTL = "/usr/bin/rootlessctl"
CHILD_PORT = 8000
# The holder in rootlesskit's child, without HOLDER_SCRIPT's parent-death signal: that fires when
# the thread that started the process ends, and Go (rootlesskit) ends threads of its own accord.
# The fixture kills it itself.
INSIDE_SCRIPT = "\n".join(line for line in HOLDER_SCRIPT.splitlines() if "prctl" not in line)


def as_nobody():
    os.setgid(NOBODY)
    os.setgroups([])
    os.setuid(NOBODY)


def give_nobody_subordinate_ids(workdir):
    """rootlesskit maps the user's subordinate ids through newuidmap: nobody gets a range, in this
    test's mount namespace only."""
    ranges = os.path.join(workdir, "subid")
    with open(ranges, "w", encoding="ascii") as subid:
        subid.write("nobody:300000:65536\n")
    for path in ("/etc/subuid", "/etc/subgid"):
        if not os.path.exists(path):
            pytest.fail(f"{path} is missing (Debian's login package makes it)", pytrace=False)
        _mount(ranges, path, None, 4096)  # MS_BIND


def allow_tun_for_everyone(workdir):
    """/dev/net/tun as Debian's udev makes it (0666) for slirp4netns running as nobody."""
    tun = os.path.join(workdir, "tun")
    os.mknod(tun, 0o666 | 0o020000, os.makedev(10, 200))
    os.chmod(tun, 0o666)
    _mount(tun, "/dev/net/tun", None, 4096)  # MS_BIND


def rootlessctl(state, *args):
    subprocess.run([ROOTLESSCTL, "--socket", os.path.join(state, "api.sock")] + list(args),
                   check=True, preexec_fn=as_nobody, capture_output=True, timeout=30)


def start_rootlesskit(lab, options):
    """rootlesskit as nobody, as dockerd-rootless.sh starts it (plus `options`), running a holder
    on 127.0.0.1:8000 in its child's namespace; the process and the holder's pid."""
    process = lab.keep(subprocess.Popen(
        [ROOTLESSKIT] + options + ["--net=slirp4netns", "--port-driver=builtin",
                                   "--disable-host-loopback", "--", lab.nginx, "-I", "-c",
                                   INSIDE_SCRIPT, "127.0.0.1", str(CHILD_PORT)],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=as_nobody, cwd=lab.home,
        env={"HOME": lab.home, "XDG_RUNTIME_DIR": lab.home, "PATH": "/usr/bin:/bin"}))
    if process.stdout.readline() != b"ready\n":
        pytest.fail("rootlesskit did not start its command", pytrace=False)
    holder_pid = holder_in_child(process.pid)
    lab.inside.append(holder_pid)
    return process, holder_pid


@pytest.fixture(scope="module")
def lab(plugin):
    if os.geteuid() != 0:
        pytest.fail("these tests need root (namespaces, cgroups, mounts)", pytrace=False)
    for program in (ROOTLESSKIT, ROOTLESSCTL, "/usr/bin/slirp4netns"):
        if not os.path.exists(program):
            pytest.fail(f"{program} is missing: apt-get install rootlesskit slirp4netns",
                        pytrace=False)
    workdir = tempfile.mkdtemp(prefix="port-owner-rootlesskit-")
    os.chmod(workdir, 0o755)
    with private_mounts(), private_network_namespace():
        lab = Lab(workdir, plugin)
        lab.inside = []
        try:
            write_docker_state(lab)
            give_nobody_subordinate_ids(workdir)
            allow_tun_for_everyone(workdir)
            lab.nginx = copy_program(os.path.realpath("/usr/bin/python3"), workdir, "nginx")
            home = os.path.join(workdir, "home")
            os.mkdir(home)
            os.chown(home, NOBODY, NOBODY)
            lab.state = os.path.join(home, "state")
            lab.home = home
            lab.rootlesskit, lab.holder_pid = start_rootlesskit(lab, ["--state-dir", lab.state])
            lab.place_in_container_cgroup(lab.holder_pid)
            rootlessctl(lab.state, "add-ports", "0.0.0.0:18080:8000/tcp",
                        "0.0.0.0:18081:8001/tcp")
            yield lab
        finally:
            for pid in lab.inside:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            lab.stop()
            shutil.rmtree(workdir, ignore_errors=True)


def children(pid):
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listed:
            found += [int(child) for child in listed.read().split()]
    return found


def holder_in_child(rootlesskit_pid):
    """The command rootlesskit's child (itself re-executed) started."""
    def find():
        for child in children(rootlesskit_pid):
            if os.readlink(f"/proc/{child}/exe") == ROOTLESSKIT:
                return children(child)
        return None
    return wait_until(10, find, 0.05)[0]


def state_of(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


def test_followed_to_the_container(lab):
    result = lab.run(f"tcp/18080=container:{CONTAINER_NAME}")
    assert result.code == 0, result.stdout
    assert (f"rootlesskit (pid {lab.rootlesskit.pid}) -> container {CONTAINER_NAME} "
            f"({lab.container_id[:12]}): nginx (pid {lab.holder_pid}, user nobody)") \
        in result.first_line
    assert f"-> port {CHILD_PORT} of its child's network namespace" in result.stdout


def test_judged_inside(lab):
    assert lab.run("tcp/18080=nginx+user:nobody").code == 0
    assert lab.run(f"tcp/18080=exe:{lab.nginx}").code == 0
    assert lab.run("tcp/18080=apache2").code == 2
    assert lab.run("tcp/18080=container:db").code == 2
    # The proxy itself, named explicitly, is accepted as it is.
    assert lab.run("tcp/18080=rootlesskit").code == 0


def test_mapping_with_nothing_behind(lab):
    result = lab.run(f"tcp/18081=container:{CONTAINER_NAME}")
    assert result.code == 3, result.stdout
    assert "nothing listens on port 8001 in its child's network namespace" in result.first_line
    assert lab.run("tcp/18081=rootlesskit").code == 0


def test_forged_rootlesskit_is_not_followed(lab):
    forged = copy_program(os.path.realpath("/usr/bin/python3"), lab.workdir, "rootlesskit")
    process = lab.keep(start_holder(forged, "0.0.0.0", 18082))
    result = lab.run(f"tcp/18082=container:{CONTAINER_NAME}")
    process.kill()
    assert result.code == 2, result.stdout
    assert f"held by rootlesskit (pid {process.pid}, user root)" in result.first_line
    assert "child's network namespace" not in "\n".join(
        line for line in result.lines if "tcp/18082" in line)


def test_socket_not_rootlesskits_own(lab):
    # The state folder is the user's: a socket put at api.sock by anyone else is not asked.
    real = os.path.join(lab.state, "api.sock")
    os.rename(real, real + ".real")
    impostor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        impostor.bind(real)
        impostor.listen(4)
        result = lab.run(f"tcp/18080=container:{CONTAINER_NAME}")
    finally:
        impostor.close()
        os.unlink(real)
        os.rename(real + ".real", real)
    assert result.code == 3, result.stdout
    assert f"the socket at {real} is not rootlesskit's own" in result.first_line


def test_api_socket_that_never_answers(lab):
    # Stopped, rootlesskit still has its listening socket, whose backlog takes the connection:
    # nothing answers, and the check must not wait past its -t.
    os.kill(lab.rootlesskit.pid, signal.SIGSTOP)
    try:
        assert wait_until(5, lambda: state_of(lab.rootlesskit.pid) == "T", 0.02)
        started = time.monotonic()
        result = plugin_run.run(lab.plugin, ["-p", f"tcp/18080=container:{CONTAINER_NAME}",
                                             "-t", "3"])
        elapsed = time.monotonic() - started
    finally:
        os.kill(lab.rootlesskit.pid, signal.SIGCONT)
    assert result.code == 3, result.stdout
    assert "its API socket did not answer in time" in result.first_line
    assert elapsed < 3, elapsed


def test_rootlesskit_without_state_dir(lab):
    # rootlesskit then makes a temporary folder for its API socket, which nothing names.
    process, _ = start_rootlesskit(lab, ["--publish", "0.0.0.0:18083:8000/tcp"])
    try:
        assert wait_until(10, lambda: lab.run("tcp/18083=rootlesskit").code == 0, 0.1)
        result = lab.run("tcp/18083=nginx")
    finally:
        process.kill()
    assert result.code == 3, result.stdout
    assert "its command line names no --state-dir" in result.first_line


# Rootless Docker: dockerd runs in rootlesskit's namespaces, as the user, and for a published port
# asks rootlesskit to forward the host port into its child's namespace, where the docker-proxy it
# starts (as the user) forwards to the container's address, in a namespace of the user's too.
ROOTLESS_CONTAINER_ADDRESS = "10.89.0.2"
ROOT_CONTAINER_ADDRESS = "10.89.1.2"
ROOTLESS_CONTAINER_ID = "e" * 8 + os.urandom(28).hex()
ROOTLESS_CONTAINER_NAME = "rootless-web"


def start_proxy_in(lab, enter, host_port, container_address, container_port):
    """docker-proxy as dockerd starts it (start-up status on fd 3), run through `enter`."""
    status = os.path.join(lab.workdir, f"proxy-{host_port}.status")
    with open(status, "wb") as fd3:
        process = lab.keep(subprocess.Popen(
            enter + [lab.proxy, "-proto", "tcp", "-host-ip", "0.0.0.0", "-host-port",
                     str(host_port), "-container-ip", container_address, "-container-port",
                     str(container_port)],
            pass_fds=(3,), preexec_fn=lambda: os.dup2(fd3.fileno(), 3),
            stderr=subprocess.DEVNULL))
    if not wait_until(10, lambda: os.path.getsize(status) > 0, 0.05):
        pytest.fail("docker-proxy wrote no start-up status", pytrace=False)
    with open(status, encoding="utf-8", errors="replace") as written:
        if not written.read().startswith("0"):
            pytest.fail("docker-proxy did not start", pytrace=False)
    return process


def network_namespace_with(lab, enter, address, interface_commands):
    """A sleeper in a new network namespace, made through `enter`; `interface_commands(pid)`
    gives the commands that give it `address`."""
    anchor = lab.keep(subprocess.Popen(enter + ["unshare", "--net", "sleep", "infinity"]))
    wait_until(5, lambda: os.readlink(f"/proc/{anchor.pid}/ns/net")
               != os.readlink(f"/proc/{os.getpid()}/ns/net"), 0.05)
    for command in interface_commands(anchor.pid):
        subprocess.run(command, check=True)
    return anchor.pid


def start_web(lab, enter, name):
    web = copy_program(os.path.realpath("/usr/bin/python3"), lab.workdir, name)
    process = lab.keep(subprocess.Popen(enter + [web, "-I", "-c", INSIDE_SCRIPT, "0.0.0.0", "80"],
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL))
    if process.stdout.readline() != b"ready\n":
        pytest.fail(f"{name} did not get ready", pytrace=False)
    return process


def write_rootless_docker_state(lab):
    """Rootless dockerd's state names the container, in its user's home: nobody's home is the
    lab's, in this mount namespace only."""
    passwd = os.path.join(lab.workdir, "passwd")
    with open("/etc/passwd", encoding="utf-8") as original, \
            open(passwd, "w", encoding="utf-8") as changed:
        for line in original:
            fields = line.rstrip("\n").split(":")
            if len(fields) == 7 and fields[2] == str(NOBODY):
                fields[5] = lab.home
            changed.write(":".join(fields) + "\n")
    os.chmod(passwd, 0o644)
    _mount(passwd, "/etc/passwd", None, 4096)  # MS_BIND
    folder = os.path.join(lab.home, ".local", "share", "docker", "containers",
                          ROOTLESS_CONTAINER_ID)
    os.makedirs(folder)
    with open(os.path.join(folder, "config.v2.json"), "w", encoding="utf-8") as config:
        config.write('{"ID":"%s","Name":"/%s","Driver":"vfs"}' % (ROOTLESS_CONTAINER_ID,
                                                                  ROOTLESS_CONTAINER_NAME))
    for directory, folders, files in os.walk(os.path.join(lab.home, ".local")):
        for name in folders + files + [""]:
            os.chown(os.path.join(directory, name), NOBODY, NOBODY)


@pytest.fixture(scope="module")
def rootless_docker(lab):
    child = wait_until(10, lambda: next(
        (pid for pid in children(lab.rootlesskit.pid)
         if os.readlink(f"/proc/{pid}/exe") == ROOTLESSKIT), None), 0.05)
    in_child = ["nsenter", f"--target={child}", "--user", "--net"]

    def veth_to(pid):
        inside = ["nsenter", f"--target={pid}", "--user", "--net", "ip"]
        return [in_child + ["ip", "link", "add", "rd-host", "type", "veth", "peer", "name",
                            "rd-ctr", "netns", str(pid)],
                in_child + ["ip", "addr", "add", "10.89.0.1/24", "dev", "rd-host"],
                in_child + ["ip", "link", "set", "rd-host", "up"],
                inside + ["link", "set", "lo", "up"],
                inside + ["addr", "add", f"{ROOTLESS_CONTAINER_ADDRESS}/24", "dev", "rd-ctr"],
                inside + ["link", "set", "rd-ctr", "up"]]
    # The user's container: a namespace its user namespace owns, as rootless dockerd makes it.
    container = network_namespace_with(lab, in_child, ROOTLESS_CONTAINER_ADDRESS, veth_to)
    web = start_web(lab, ["nsenter", f"--target={container}", "--user", "--net"], "web")
    # In a cgroup of the user's, named like Docker's (rootless Docker with cgroupfs).
    parent = os.path.join(cgroup2_root(), f"port-owner-test-{os.getpid()}-rootless.slice")
    scope = os.path.join(parent, f"docker-{ROOTLESS_CONTAINER_ID}.scope")
    os.makedirs(scope)
    os.chown(scope, NOBODY, NOBODY)
    lab.cgroups[:0] = [scope, parent]
    with open(os.path.join(scope, "cgroup.procs"), "w", encoding="ascii") as procs:
        procs.write(str(web.pid))
    # A container of root's, whose address a user's docker-proxy names.
    rooted = network_namespace_with(lab, [], ROOT_CONTAINER_ADDRESS, lambda pid: [
        ["nsenter", f"--net=/proc/{pid}/ns/net", "ip", "link", "set", "lo", "up"],
        ["nsenter", f"--net=/proc/{pid}/ns/net", "ip", "addr", "add",
         f"{ROOT_CONTAINER_ADDRESS}/32", "dev", "lo"]])
    roots = start_web(lab, ["nsenter", f"--net=/proc/{rooted}/ns/net"], "nginx-of-root")
    write_rootless_docker_state(lab)
    _mount("tmpfs", "/usr/local/sbin", "tmpfs")
    lab.proxy = copy_program(docker_proxy_binary(), "/usr/local/sbin", "docker-proxy")
    proxy = start_proxy_in(lab, in_child, 8005, ROOTLESS_CONTAINER_ADDRESS, 80)
    forged = start_proxy_in(lab, in_child, 8006, ROOT_CONTAINER_ADDRESS, 80)
    rootlessctl(lab.state, "add-ports", "0.0.0.0:18085:8005/tcp", "0.0.0.0:18086:8006/tcp")
    return {"web": web.pid, "proxy": proxy.pid, "forged": forged.pid, "root_web": roots.pid}


def test_rootless_docker_followed_through_its_docker_proxy(lab, rootless_docker):
    short = ROOTLESS_CONTAINER_ID[:12]
    named = f"container {ROOTLESS_CONTAINER_NAME} ({short})"
    result = lab.run("tcp/18085=web+user:nobody")
    assert result.code == 0, result.stdout
    assert (f"rootlesskit (pid {lab.rootlesskit.pid}) -> docker-proxy (pid "
            f"{rootless_docker['proxy']}) -> {named}: web (pid "
            f"{rootless_docker['web']}, user nobody)") in result.first_line, result.first_line
    assert f"-> {ROOTLESS_CONTAINER_ADDRESS}:80 {named}: web pid" in result.stdout
    assert lab.run("tcp/18085=nginx").code == 2
    # A container its user made (and named): container: needs that user.
    for container in (short, ROOTLESS_CONTAINER_NAME):
        assert lab.run(f"tcp/18085=container:{container}").code == 2
        assert lab.run(f"tcp/18085=container:{container}+user:nobody").code == 0
    # Either proxy, named, is accepted as it is.
    assert lab.run("tcp/18085=docker-proxy").code == 0
    assert lab.run("tcp/18085=rootlesskit").code == 0


def test_rootless_docker_proxy_cannot_lead_to_roots_container(lab, rootless_docker):
    """The user's docker-proxy names the address of root's container: the user's word leads only
    to the user's own namespaces, so it is not followed there."""
    result = lab.run("tcp/18086=nginx-of-root")
    assert result.code == 3, result.stdout
    assert f"no network namespace has the address {ROOT_CONTAINER_ADDRESS}" in \
        result.first_line, result.first_line
    assert f"pid {rootless_docker['root_web']}" not in result.stdout


def test_rootless_docker_state_replaced_by_a_symlink_names_nothing(lab, rootless_docker):
    config = os.path.join(lab.home, ".local", "share", "docker", "containers",
                          ROOTLESS_CONTAINER_ID, "config.v2.json")
    os.rename(config, config + ".real")
    os.symlink(config + ".real", config)
    try:
        result = lab.run("tcp/18085=web+user:nobody")
    finally:
        os.unlink(config)
        os.rename(config + ".real", config)
    assert result.code == 0, result.stdout
    assert f"container {ROOTLESS_CONTAINER_ID[:12]}: web" in result.first_line, result.first_line
    assert ROOTLESS_CONTAINER_NAME not in result.stdout


def test_learn_goes_through_both_proxies(lab, rootless_docker):
    learned = plugin_run.run(lab.plugin, ["--learn"])
    assert learned.code == 0, learned.stderr
    assert (f"[tcp/18085]\n# [::] rootlesskit user nobody\n"
            f"# pid {rootless_docker['web']}: container {ROOTLESS_CONTAINER_ID[:12]} was made by "
            f"its user, not by root\nallow = container:{ROOTLESS_CONTAINER_NAME}+user:"
            f"{NOBODY}\n") in learned.stdout, learned.stdout
    path = os.path.join(lab.workdir, "learned.ini")
    with open(path, "w", encoding="utf-8") as allow_list:
        allow_list.write(learned.stdout)
    result = plugin_run.run(lab.plugin, ["-C", path, "-v"])
    assert result.code == 0, result.stdout
