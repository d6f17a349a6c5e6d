# SPDX-License-Identifier: GPL-3.0-or-later
"""Rootless Podman, for real: Debian's podman 4.3 run by an unprivileged user, containers with
published ports on slirp4netns, so that Podman starts its rootlessport for them. The plugin
follows rootlessport to the container port Podman's state database maps the host port to, and
judges the program listening there.

Everything the user needs exists in the test's private mount namespace only: the user itself
(/etc/passwd and /etc/group with one more line), subordinate ids, /dev/net/tun open to everyone
(as Debian's udev makes it), and a unified cgroup hierarchy where the host mounts a hybrid one
(crun refuses a hybrid one). The containers run with --cgroups=disabled, so they carry their
container by their network namespace; but web's nginx is moved into a cgroup of the user's named
like Podman's (libpod-<id>.scope), which names its container by the user's Podman state. No
image: each container's root is a folder of the user's with the host's /usr mounted read-only,
and programs named nginx, rogue, alpha, beta and gamma (copies of Debian's python3) in /srv.

Root needed (namespaces, mounts); the test fails without it.
"""
import contextlib
import fcntl
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from pylib import plugin as plugin_run
from pylib.netns import private_network_namespace
from pylib.processes import wait_until
from test_docker_proxy import Lab, _mount, copy_program, private_mounts

PODMAN = "/usr/bin/podman"
ROOTLESSPORT = "/usr/lib/podman/rootlessport"
USER = "port-owner-podman"
UID = 47321  # a number no Debian package or ordinary account uses
MS_BIND = 4096

# Listens on TRANSPORT/PORT on every address of the container and leaves a file saying so.
LISTEN_SCRIPT = """\
import signal, socket, sys
transport, port = sys.argv[1], int(sys.argv[2])
kind = socket.SOCK_STREAM if transport == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
if transport == "tcp":
    s.listen(16)
open(f"/srv/ready-{transport}-{port}", "w").close()
while True:
    signal.pause()
"""

# name: (published ports, [(program, transport, container port)])
CONTAINERS = {
    # The decoy listens on the host port's own number inside: the mapping says port 80.
    "web": (["127.0.0.1:18080:80/tcp"], [("nginx", "tcp", 80), ("rogue", "tcp", 18080)]),
    # A range maps port by port; and UDP.
    "pair": (["18091-18092:91-92/tcp", "18093:93/udp"],
             [("alpha", "tcp", 91), ("beta", "tcp", 92), ("gamma", "udp", 93)]),
}


def add_line(workdir, path, line):
    """`path` with one more line, in this mount namespace only."""
    copy = os.path.join(workdir, os.path.basename(path))
    with open(path, encoding="utf-8") as original:
        text = original.read()
    with open(copy, "w", encoding="utf-8") as changed:
        changed.write(text + ("" if text.endswith("\n") or not text else "\n") + line + "\n")
    os.chmod(copy, os.stat(path).st_mode & 0o777)
    _mount(copy, path, None, MS_BIND)


def make_user(workdir, uid=UID, user=USER, subordinate_ids=True):
    """The user `user` (uid `uid`) with a home in `workdir`, in this mount namespace only; its
    home."""
    with contextlib.suppress(KeyError):
        pwd.getpwuid(uid)
        pytest.fail(f"uid {uid} is taken on this machine", pytrace=False)
    home = os.path.join(workdir, "home")
    os.mkdir(home, 0o700)
    os.chown(home, uid, uid)
    add_line(workdir, "/etc/passwd", f"{user}:x:{uid}:{uid}::{home}:/usr/sbin/nologin")
    add_line(workdir, "/etc/group", f"{user}:x:{uid}:")
    if subordinate_ids:
        for path in ("/etc/subuid", "/etc/subgid"):
            add_line(workdir, path, f"{user}:400000:65536")
    return home


def allow_tun_for_everyone(workdir):
    tun = os.path.join(workdir, "tun")
    os.mknod(tun, 0o666 | 0o020000, os.makedev(10, 200))
    os.chmod(tun, 0o666)
    _mount(tun, "/dev/net/tun", None, MS_BIND)


def unified_cgroups():
    """crun runs only on a unified hierarchy: mount one where the host has a hybrid one."""
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        types = {fields[4]: fields[fields.index("-") + 1]
                 for fields in (line.split() for line in mounts)}
    if types.get("/sys/fs/cgroup") != "cgroup2":
        _mount("none", "/sys/fs/cgroup", "cgroup2", 0)


def make_root(workdir, python):
    """A container root of the user's: /usr from the host, the programs and script in /srv."""
    root = os.path.join(workdir, "root")
    for folder in ("usr", "etc", "run", "tmp", "proc", "sys", "dev", "srv", "var/tmp", "root"):
        os.makedirs(os.path.join(root, folder))
    for link in ("bin", "lib", "lib64", "sbin"):
        os.symlink(f"usr/{link}", os.path.join(root, link))
    for name in ("hosts", "resolv.conf"):
        open(os.path.join(root, "etc", name), "w").close()
    with open(os.path.join(root, "etc", "passwd"), "w", encoding="ascii") as f:
        f.write("root:x:0:0:root:/root:/bin/sh\n")
    with open(os.path.join(root, "srv", "listen.py"), "w", encoding="ascii") as f:
        f.write(LISTEN_SCRIPT)
    srv = os.path.join(root, "srv")
    for _, programs in CONTAINERS.values():
        for program, _, _ in programs:
            copy_program(python, srv, program)
    for directory, folders, files in os.walk(root):
        for name in folders + files + [""]:
            os.lchown(os.path.join(directory, name), UID, UID)
    return root


class PodmanLab(Lab):
    def podman(self, *args, check=True):
        def as_user():
            os.setgid(UID)
            os.setgroups([])
            os.setuid(UID)
        result = subprocess.run(
            [PODMAN, "--cgroup-manager=cgroupfs", "--events-backend=file"] + list(args),
            preexec_fn=as_user, cwd=self.home, capture_output=True, text=True, timeout=120,
            env={"HOME": self.home, "XDG_RUNTIME_DIR": self.runtime_dir,
                 "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
        if check and result.returncode != 0:
            pytest.fail(f"podman {' '.join(args)}: {result.stderr}", pytrace=False)
        return result.stdout.strip()

    def start_container(self, name, published, programs):
        commands = " & ".join(f"/srv/{program} -I /srv/listen.py {transport} {port}"
                              for program, transport, port in programs)
        options = ["run", "-d", "--name", name, "--cgroups=disabled", "--network", "slirp4netns"]
        for port in published:
            options += ["-p", port]
        self.ids[name] = self.podman(*options, "-v", "/usr:/usr:ro", "--rootfs", self.root,
                                     "/bin/sh", "-c", f"{commands} & wait")
        for _, transport, port in programs:
            ready = os.path.join(self.root, "srv", f"ready-{transport}-{port}")
            if not wait_until(20, lambda: os.path.exists(ready), 0.05):
                pytest.fail(f"container {name}: nothing listens on {transport}/{port}",
                            pytrace=False)

    def place_in_own_cgroup(self, container, program):
        """Moves the container's `program` into a cgroup of the user's named as Podman names
        one (libpod-<id>.scope), as Podman run with cgroups does: the plugin then names the
        container from the cgroup and the user's Podman state, not from the namespace."""
        [pid] = [int(pid) for pid in os.listdir("/proc") if pid.isdigit()
                 and os.path.exists(f"/proc/{pid}/exe")
                 and os.readlink(f"/proc/{pid}/exe") == f"/srv/{program}"]
        scope = os.path.join("/sys/fs/cgroup", f"port-owner-podman-{os.getpid()}.slice",
                             f"libpod-{self.ids[container]}.scope")
        os.makedirs(scope)
        os.chown(scope, UID, UID)
        self.cgroups[:0] = [scope, os.path.dirname(scope)]
        with open(os.path.join(scope, "cgroup.procs"), "w", encoding="ascii") as procs:
            procs.write(str(pid))

    def state_database(self):
        return os.path.join(self.home, ".local/share/containers/storage/libpod/bolt_state.db")

    def end_every_process(self):
        def theirs():
            found = []
            for pid in filter(str.isdigit, os.listdir("/proc")):
                with contextlib.suppress(FileNotFoundError):
                    if os.stat(f"/proc/{pid}").st_uid == UID or 400000 <= os.stat(
                            f"/proc/{pid}").st_uid < 465536:
                        found.append(int(pid))
            return found
        for _ in range(50):
            pids = theirs()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)


@pytest.fixture(scope="module")
def lab(plugin):
    if os.geteuid() != 0:
        pytest.fail("these tests need root (namespaces, mounts)", pytrace=False)
    for program in (PODMAN, ROOTLESSPORT, "/usr/bin/slirp4netns", "/usr/bin/newuidmap"):
        if not os.path.exists(program):
            pytest.fail(f"{program} is missing: apt-get install podman slirp4netns uidmap",
                        pytrace=False)
    workdir = tempfile.mkdtemp(prefix="port-owner-podman-")
    os.chmod(workdir, 0o755)
    with private_mounts(), private_network_namespace():
        lab = PodmanLab(workdir, plugin)
        lab.ids = {}
        try:
            lab.home = make_user(workdir)
            lab.runtime_dir = os.path.join(workdir, "run")
            os.mkdir(lab.runtime_dir, 0o700)
            os.chown(lab.runtime_dir, UID, UID)
            allow_tun_for_everyone(workdir)
            unified_cgroups()
            lab.root = make_root(workdir, os.path.realpath("/usr/bin/python3"))
            for name, (published, programs) in CONTAINERS.items():
                lab.start_container(name, published, programs)
            lab.place_in_own_cgroup("web", "nginx")
            yield lab
        finally:
            lab.end_every_process()
            lab.stop()
            shutil.rmtree(workdir, ignore_errors=True)


def rule_lines(result, rule):
    return [line for line in result.long_lines if line.split(" ")[1:2] == [rule]]


def test_followed_to_the_port_podman_maps(lab):
    result = lab.run("tcp/18080=nginx")
    assert result.code == 0, result.stdout
    [line] = rule_lines(result, "tcp/18080")
    assert "rootlessport pid " in line and f"exe {ROOTLESSPORT}" in line, line
    assert (f"-> container port 80 container web ({lab.ids['web'][:12]}): nginx pid " in line
            and "exe /srv/nginx" in line and f"user {USER}" in line), line
    # The program listening on the host port's own number inside is not what Podman maps.
    result = lab.run("tcp/18080=rogue")
    assert result.code == 2, result.stdout
    assert "held by rootlessport" in result.first_line and "-> container web" in \
        result.first_line and ": nginx (pid" in result.first_line, result.first_line


def test_a_range_maps_port_by_port(lab):
    assert lab.run("tcp/18091=alpha").code == 0
    assert lab.run("tcp/18092=beta").code == 0
    result = lab.run("tcp/18092=alpha")
    assert result.code == 2, result.stdout
    assert ": beta (pid" in result.first_line, result.first_line


def test_udp(lab):
    result = lab.run("udp/18093=gamma")
    assert result.code == 0, result.stdout
    assert "-> container port 93 container pair (" in result.stdout, result.stdout
    assert lab.run("udp/18093=beta").code == 2


def test_container_entries_need_the_user(lab):
    """The user's own Podman made these containers: a container: entry alone does not allow
    them, one with that user does (docs/decisions.md)."""
    web = lab.ids["web"]
    assert lab.run("tcp/18080=container:web").code == 2
    assert lab.run(f"tcp/18080=container:web+user:{USER}").code == 0
    assert lab.run(f"tcp/18080=container:{web[:12]}+user:{USER}").code == 0
    assert lab.run(f"tcp/18080=container:pair+user:{USER}").code == 2


def test_the_proxy_itself_allowed_explicitly(lab):
    assert lab.run("tcp/18080=rootlessport").code == 0
    assert lab.run(f"tcp/18080=exe:{ROOTLESSPORT}").code == 0


def test_learn_writes_the_container_and_its_user(lab):
    learned = plugin_run.run(lab.plugin, ["--learn"])
    assert learned.code == 0, learned.stderr
    assert f"[tcp/18080]\n# 127.0.0.1 rootlessport user {USER}\n" in learned.stdout, \
        learned.stdout
    assert f"allow = container:web+user:{UID}\n" in learned.stdout, learned.stdout
    path = os.path.join(lab.workdir, "learned.ini")
    with open(path, "w", encoding="utf-8") as allow_list:
        allow_list.write(learned.stdout)
    result = plugin_run.run(lab.plugin, ["-C", path, "-v"])
    assert result.first_line.startswith("PORT_OWNER OK"), result.stdout


def test_a_symlink_in_place_of_the_state_is_not_read(lab):
    database = lab.state_database()
    moved = database + ".real"
    os.rename(database, moved)
    os.symlink(moved, database)
    try:
        result = lab.run("tcp/18080=nginx")
    finally:
        os.unlink(database)
        os.rename(moved, database)
    assert result.code == 3, result.stdout
    assert "Podman's state database" in result.first_line and "cannot be opened" in \
        result.first_line, result.first_line
    assert lab.run("tcp/18080=nginx").code == 0


def test_a_state_locked_for_writing_is_waited_for_briefly(lab):
    with open(lab.state_database(), "rb") as database:
        fcntl.flock(database, fcntl.LOCK_EX)
        started = time.monotonic()
        result = lab.run("tcp/18080=nginx")
        elapsed = time.monotonic() - started
    assert result.code == 3, result.stdout
    assert "stayed locked by a Podman writing it" in result.first_line, result.first_line
    assert elapsed < 3, elapsed
    assert lab.run("tcp/18080=nginx").code == 0


def test_a_stopped_container_leaves_its_port_unheld(lab):
    lab.podman("stop", "-t", "1", "pair")
    assert wait_until(20, lambda: "not listening" in lab.run("tcp/18091=alpha").stdout, 0.2)
    result = lab.run("tcp/18091=alpha")
    assert result.code == 2 and "not listening" in result.stdout, result.stdout
