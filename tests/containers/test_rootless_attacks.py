# SPDX-License-Identifier: GPL-3.0-or-later
"""An unprivileged user against the container attribution: the user controls their home (and so
their rootless engines' state files), their processes' names, and a cgroup subtree delegated to
them; root runs a container named web. Whatever the user writes or runs, a listener of theirs
must never pass for root's container or root's unit, nothing they put in place of a state file
may hang the check, and nothing they name may add lines to the allow-list --learn writes.

The user's "containers" are listeners of theirs in cgroups of theirs named as Docker and Podman
name one (with root's container id, even), and their state files are written by hand (a bbolt
writer for Podman's); one test runs Debian's rootlessport as their Podman would, in their user
namespace. Root's container is a network namespace with a listener in a cgroup root made, and
root's Docker state naming it web.

Root needed (namespaces, cgroups, mounts); the test fails without it.
"""
import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time

import pytest

from pylib import plugin as plugin_run
from pylib.netns import private_network_namespace
from pylib.processes import wait_until
from test_docker_proxy import (CONTAINER_ADDRESS, CONTAINER_PORT, Lab, _mount, cgroup2_root,
                               copy_program, docker_proxy_binary, inside_network_namespace,
                               private_mounts, set_up_container_network, start_holder,
                               write_docker_state)
from test_podman import make_user

USER = "port-owner-attacker"
UID = 47322  # not test_podman's 47321: both may run at once
PODMAN_ID = "c" * 64  # the user's "Podman container"
ROOTLESSPORT = "/usr/lib/podman/rootlessport"
CLONE_NEWUSER = 0x10000000


class AttackLab(Lab):
    def user_cgroup(self, name, pid):
        """A cgroup in a subtree delegated to the user (root makes the parent, the user owns
        the rest), named `name`, with `pid` moved into it."""
        parent = os.path.join(cgroup2_root(), f"port-owner-attacker-{os.getpid()}.slice")
        scope = os.path.join(parent, name)
        os.makedirs(scope, exist_ok=True)
        os.chown(scope, UID, UID)
        for directory in (parent, scope):
            if directory not in self.cgroups:
                self.cgroups.insert(0, directory)
        with open(os.path.join(scope, "cgroup.procs"), "w", encoding="ascii") as procs:
            procs.write(str(pid))

    def users_file(self, relative):
        """A path in the user's home, its folders made and owned by the user."""
        path = os.path.join(self.home, relative)
        folder = self.home
        for part in os.path.dirname(relative).split("/"):
            folder = os.path.join(folder, part)
            if not os.path.isdir(folder):
                os.mkdir(folder, 0o700)
                os.chown(folder, UID, UID)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        return path

    def docker_config(self, container_id):
        return self.users_file(f".local/share/docker/containers/{container_id}/config.v2.json")

    def podman_state(self):
        return self.users_file(".local/share/containers/storage/libpod/bolt_state.db")

    def as_user(self):
        os.setgid(UID)
        os.setgroups([])
        os.setuid(UID)

    def timed_run(self, rule, timeout):
        """The check with -t `timeout`, and how long it took."""
        started = time.monotonic()
        result = plugin_run.run(self.plugin, ["-t", str(timeout), "-v", "-p", rule],
                                timeout=timeout + 20)
        return result, time.monotonic() - started


def docker_config_text(container_id, name):
    return ('{"ID":"%s","Config":{"Hostname":"x"},"Name":"/%s","Driver":"overlay2"}'
            % (container_id, name))


@pytest.fixture(scope="module")
def lab(plugin):
    if os.geteuid() != 0:
        pytest.fail("these tests need root (namespaces, cgroups, mounts)", pytrace=False)
    proxy_source = docker_proxy_binary()
    workdir = tempfile.mkdtemp(prefix="port-owner-attacks-")
    os.chmod(workdir, 0o755)
    with private_mounts(), private_network_namespace():
        lab = AttackLab(workdir, plugin)
        lab.exit_pipes = []
        try:
            lab.home = make_user(workdir, UID, USER, subordinate_ids=False)
            # Root's container web: a listener in its own network namespace, in a cgroup root
            # made, named by root's Docker state.
            write_docker_state(lab)
            python = os.path.realpath("/usr/bin/python3")
            lab.nginx = copy_program(python, workdir, "nginx")
            lab.namespace_pid = set_up_container_network(lab)
            with inside_network_namespace(lab.namespace_pid):
                lab.roots_nginx = lab.keep(start_holder(lab.nginx, CONTAINER_ADDRESS,
                                                        CONTAINER_PORT))
            lab.place_in_container_cgroup(lab.roots_nginx.pid)
            _mount("tmpfs", "/usr/local/sbin", "tmpfs")
            lab.proxy = copy_program(proxy_source, "/usr/local/sbin", "docker-proxy")
            # The user's own "nginx" (the same program, run by them) in a cgroup of theirs
            # named like root's container's: Docker's name for a scope, with root's id.
            lab.users_nginx = lab.keep(start_holder(lab.nginx, "127.0.0.1", 19000, uid=UID))
            lab.user_cgroup(f"docker-{lab.container_id}.scope", lab.users_nginx.pid)
            # Another of theirs in a cgroup named like a Podman container's.
            lab.users_pod = lab.keep(start_holder(lab.nginx, "127.0.0.1", 19001, uid=UID))
            lab.user_cgroup(f"libpod-{PODMAN_ID}.scope", lab.users_pod.pid)
            yield lab
        finally:
            for pipe in lab.exit_pipes:
                os.close(pipe)
            lab.stop()
            shutil.rmtree(workdir, ignore_errors=True)


def write_users_docker_name(lab, name):
    path = lab.docker_config(lab.container_id)
    with open(path, "w", encoding="utf-8") as config:
        config.write(docker_config_text(lab.container_id, name))
    os.chown(path, UID, UID)
    return path


def test_the_users_cgroup_with_roots_id_does_not_borrow_roots_name(lab):
    """The user's cgroup carries root's container id; only the user's own state names it."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(lab.docker_config(lab.container_id))
    assert lab.run("tcp/19000=container:web").code == 2
    assert lab.run(f"tcp/19000=container:web+user:{USER}").code == 2
    assert lab.run(f"tcp/19000=container:{lab.container_id[:12]}").code == 2


def test_the_users_own_state_naming_it_web_needs_their_user(lab):
    write_users_docker_name(lab, "web")
    result = lab.run("tcp/19000=container:web")
    assert result.code == 2, result.stdout
    assert lab.run("tcp/19000=container:web+user:root").code == 2
    # Their own word about their own process: allowed where the entry names them.
    assert lab.run(f"tcp/19000=container:web+user:{USER}").code == 0


def test_a_symlink_to_roots_state_is_not_read(lab):
    path = lab.docker_config(lab.container_id)
    os.symlink(f"/var/lib/docker/containers/{lab.container_id}/config.v2.json", path)
    result = lab.run(f"tcp/19000=container:web+user:{USER}")
    assert result.code == 2, result.stdout


def test_a_hard_link_to_roots_file_is_not_read(lab):
    """A file of root's naming web, hard-linked into the user's state (fs.protected_hardlinks=0
    would let the user make it)."""
    roots = os.path.join(lab.workdir, "roots-config.v2.json")
    with open(roots, "w", encoding="utf-8") as config:
        config.write(docker_config_text(lab.container_id, "web"))
    path = lab.docker_config(lab.container_id)
    os.link(roots, path)
    result = lab.run(f"tcp/19000=container:web+user:{USER}")
    os.unlink(path)
    assert result.code == 2, result.stdout


def test_a_fifo_in_place_of_the_docker_state_does_not_hang(lab):
    path = lab.docker_config(lab.container_id)
    os.mkfifo(path)
    os.chown(path, UID, UID)
    result, elapsed = lab.timed_run(f"tcp/19000=container:web+user:{USER}", timeout=5)
    assert result.code == 2, result.stdout
    assert elapsed < 5, elapsed


def test_a_huge_docker_state_is_not_read(lab):
    path = write_users_docker_name(lab, "web")
    os.truncate(path, 64 << 20)  # sparse: the name first, then zeros
    result, elapsed = lab.timed_run(f"tcp/19000=container:web+user:{USER}", timeout=5)
    assert result.code == 2, result.stdout
    assert elapsed < 5, elapsed


def test_a_fifo_in_place_of_the_podman_state_does_not_hang(lab):
    path = lab.podman_state()
    os.mkfifo(path)
    os.chown(path, UID, UID)
    result, elapsed = lab.timed_run(f"tcp/19001=container:web+user:{USER}", timeout=5)
    assert result.code == 2, result.stdout
    assert elapsed < 5, elapsed


def test_garbage_podman_state_is_no_name(lab):
    path = lab.podman_state()
    with open(path, "wb") as state:
        state.write(os.urandom(3 * 4096) + (b"web" + PODMAN_ID.encode()) * 100)
    os.chown(path, UID, UID)
    result = lab.run(f"tcp/19001=container:web+user:{USER}")
    assert result.code == 2, result.stdout


def test_a_podman_state_locked_forever_stays_within_the_time_limit(lab):
    """A process of the user's holds Podman's lock and never lets go: asked for the name of the
    user's container, the check waits a moment, not past -t."""
    path = lab.podman_state()
    with open(path, "wb") as state:
        state.write(b"\0" * 8192)
    os.chown(path, UID, UID)
    holder = lab.keep(subprocess.Popen(
        ["python3", "-c", "import fcntl, sys, time\n"
         "f = open(sys.argv[1], 'rb'); fcntl.flock(f, fcntl.LOCK_EX)\n"
         "print('locked', flush=True); time.sleep(3600)", path],
        preexec_fn=lab.as_user, stdout=subprocess.PIPE))
    assert holder.stdout.readline() == b"locked\n"
    try:
        with open(path, "rb") as probe:
            with pytest.raises(BlockingIOError):
                fcntl.flock(probe, fcntl.LOCK_SH | fcntl.LOCK_NB)
        result, elapsed = lab.timed_run(f"tcp/19001=container:web+user:{USER}", timeout=2)
    finally:
        holder.kill()
        holder.wait()
    assert result.code == 2, result.stdout
    # It did wait for the lock (half a second at most), and no longer.
    assert 0.4 < elapsed < 2.5, elapsed


def test_the_users_docker_proxy_naming_roots_container_is_not_followed(lab):
    """The user runs the packaged docker-proxy themselves, in the host's user namespace,
    forwarding a port of theirs to root's container: judged as the program it is."""
    proxy = lab.start_proxy(lab.proxy, 19002, CONTAINER_ADDRESS, CONTAINER_PORT, uid=UID,
                            host_address="127.0.0.1")
    try:
        for rule in ("tcp/19002=container:web", "tcp/19002=nginx",
                     f"tcp/19002=container:{lab.container_id[:12]}"):
            result = lab.run(rule)
            assert result.code == 2, (rule, result.stdout)
        # root's own proxy would be followed: the difference is who runs it
        assert "web" not in lab.run("tcp/19002=nginx").first_line
    finally:
        proxy.kill()
        proxy.wait()


def test_a_program_named_rootlessport_is_not_followed(lab):
    """A copy of some program named rootlessport, in a package folder but the user's file, or
    in the user's home: judged as itself, whatever the user's Podman state says."""
    path = lab.podman_state()
    with open(path, "wb") as state:
        state.write(b"\0" * 8192)
    os.chown(path, UID, UID)
    _mount("tmpfs", "/usr/local/bin", "tmpfs")
    fake = copy_program(lab.nginx, "/usr/local/bin", "rootlessport")
    os.chown(fake, UID, UID)
    process = start_holder(fake, "127.0.0.1", 19003, uid=UID)
    try:
        for rule in ("tcp/19003=nginx", "tcp/19003=container:web"):
            result = lab.run(rule)
            assert result.code == 2, (rule, result.stdout)
            assert "rootlessport (pid" in result.first_line, result.first_line
        assert lab.run(f"tcp/19003=rootlessport+user:{USER}").code == 0
    finally:
        process.kill()
        process.wait()
    assert wait_until(5, lambda: "not listening" in lab.run("tcp/19003=nginx").stdout, 0.1)


def write_bolt_state(path, containers, uid=UID, netns=None):
    """A bbolt file as Podman's state has it: its "ctr" bucket on one leaf page (with overflow
    pages) holding an inline bucket per container, `containers` (id, config or None). What a user
    can write, up to 64 MiB."""
    page = 4096

    def header(page_id, flags, count, overflow=0):
        return struct.pack("<QHHI", page_id, flags, count, overflow)

    def leaf(page_id, elements):
        """elements: (key, value, is_bucket), in key order."""
        table, data, used = [], [], 0
        for index, (key, value, bucket) in enumerate(elements):
            table.append(struct.pack("<IIII", int(bucket), 16 * (len(elements) - index) + used,
                                     len(key), len(value)))
            data.append(key + value)
            used += len(key) + len(value)
        body = b"".join(table) + b"".join(data)
        overflow = (16 + len(body) + page - 1) // page - 1
        return header(page_id, 0x02, len(elements), overflow) + body, overflow

    def inline_bucket(elements):
        return struct.pack("<QQ", 0, 0) + leaf(0, elements)[0]

    ctr, overflow = leaf(3, [
        (key, inline_bucket([] if config is None else [(b"config", config, False)] + (
            [(b"netns", netns, False)] if netns else [])), True)
        for key, config in containers])
    root, _ = leaf(2, [(b"ctr", struct.pack("<QQ", 3, 0), True)])
    count = 4 + overflow
    image = bytearray(page * count)
    for index in (0, 1):
        meta = struct.pack("<IIIIQQQQQ", 0xED0CDAED, 2, page, 0, 2, 0, 2**64 - 1, count, index)
        checksum = 0xcbf29ce484222325
        for byte in meta:
            checksum = ((checksum ^ byte) * 0x100000001b3) % 2**64
        image[index * page:index * page + 80] = header(index, 0x04, 0) + meta + struct.pack(
            "<Q", checksum)
    image[2 * page:2 * page + len(root)] = root
    image[3 * page:3 * page + len(ctr)] = ctr
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as state:
        state.write(image)
    os.chown(path, uid, uid)


def podman_config(container_id, name):
    return ('{"spec":{},"id":"%s","name":"%s","newPortMappings":null}'
            % (container_id, name)).encode()


def test_the_users_podman_cgroup_with_roots_id_does_not_borrow_roots_name(lab):
    """Root's Podman names the container web; the user's cgroup carries its id. Only the user's
    own state names what runs in it (and then only with their user)."""
    write_bolt_state("/var/lib/containers/storage/libpod/bolt_state.db",
                     [(PODMAN_ID.encode(), podman_config(PODMAN_ID, "web"))], uid=0)
    write_bolt_state(lab.podman_state(), [])
    assert lab.run("tcp/19001=container:web").code == 2
    assert lab.run(f"tcp/19001=container:web+user:{USER}").code == 2
    write_bolt_state(lab.podman_state(), [(PODMAN_ID.encode(), podman_config(PODMAN_ID, "web"))])
    assert lab.run("tcp/19001=container:web").code == 2
    result = lab.run(f"tcp/19001=container:web+user:{USER}")
    assert result.code == 0, result.stdout
    assert f"container web ({PODMAN_ID[:12]})" in result.stdout, result.stdout


def test_a_symlinked_folder_to_roots_state_is_not_read(lab):
    """~/.local/share/docker made a link to root's /var/lib/docker: the file found there is
    root's, not the user's word."""
    share = os.path.dirname(os.path.dirname(os.path.dirname(lab.docker_config(
        lab.container_id))))
    shutil.rmtree(share)
    os.symlink("/var/lib/docker", share)
    try:
        result = lab.run(f"tcp/19000=container:web+user:{USER}")
    finally:
        os.unlink(share)
    assert result.code == 2, result.stdout


def test_a_podman_state_of_many_containers_is_read_in_time(lab):
    """60000 containers in 3.4 MiB, the user's to write: read once, not once per container
    (which took minutes, so that every check of the host timed out)."""
    write_bolt_state(lab.podman_state(), [(b"%08d" % i, None) for i in range(60000)])
    result, elapsed = lab.timed_run(f"tcp/19001=container:web+user:{USER}", timeout=10)
    assert result.code == 2, result.stdout
    assert "timed out" not in result.first_line, result.first_line
    assert elapsed < 5, elapsed


def test_a_podman_name_cannot_write_lines_into_the_learned_allow_list(lab):
    """The user's state names their container with newlines, to have --learn write an entry
    claiming root and a rule of their own for port 22 into the allow-list root installs."""
    name = "web+user:0\\n\\n[tcp/22]\\nallow = user:%d\\n#" % UID
    write_bolt_state(lab.podman_state(), [(PODMAN_ID.encode(), (
        '{"spec":{},"id":"%s","name":"%s","newPortMappings":null}' % (PODMAN_ID, name)).encode())])
    learned = plugin_run.run(lab.plugin, ["--learn"])
    assert learned.code == 0, learned.stderr
    assert "[tcp/22]" not in learned.stdout, learned.stdout
    assert "user:0" not in learned.stdout, learned.stdout
    assert f"allow = container:{PODMAN_ID[:12]}+user:{UID}\n" in learned.stdout, learned.stdout
    result = lab.run("tcp/19001=nginx")
    assert result.code == 0 and "[tcp/22]" not in result.stdout, result.stdout


def test_a_huge_podman_state_is_not_read(lab):
    path = lab.podman_state()
    write_bolt_state(path, [(PODMAN_ID.encode(), podman_config(PODMAN_ID, "web"))])
    os.truncate(path, (64 << 20) + 4096)  # sparse: the state first, then zeros
    result, elapsed = lab.timed_run(f"tcp/19001=container:web+user:{USER}", timeout=5)
    assert result.code == 2, result.stdout
    assert elapsed < 5, elapsed


def test_a_hard_link_to_roots_podman_state_is_not_read(lab):
    """A state of root's naming the user's container web, hard-linked in place of theirs."""
    roots = os.path.join(lab.workdir, "roots-bolt_state.db")
    write_bolt_state(roots, [(PODMAN_ID.encode(), podman_config(PODMAN_ID, "web"))], uid=0)
    path = lab.podman_state()
    os.link(roots, path)
    result = lab.run(f"tcp/19001=container:web+user:{USER}")
    os.unlink(path)
    assert result.code == 2, result.stdout


def test_a_unit_named_in_the_users_subtree_is_not_roots_unit(lab):
    """systemd-run --user --unit=nginx.service, or a cgroup of theirs named so: the unit is the
    user's word, and unit:nginx.service is meant for root's service."""
    process = lab.keep(start_holder(lab.nginx, "127.0.0.1", 19004, uid=UID))
    lab.user_cgroup("nginx.service", process.pid)
    try:
        result = lab.run("tcp/19004=unit:nginx.service")
        assert result.code == 2, result.stdout
        assert lab.run("tcp/19004=nginx").code == 0
    finally:
        process.kill()
        process.wait()


def start_users_rootlessport(lab, anchor_pid, host_port, container_port, tmp):
    """Debian's rootlessport run by the user as their Podman runs it: in their user namespace
    (that of `anchor_pid`), its child in that process's network namespace."""
    exit_read, exit_write = os.pipe()
    ready_read, ready_write = os.pipe()
    config = {"Mappings": [{"host_ip": "", "container_port": container_port,
                            "protocol": "tcp", "host_port": host_port, "range": 1}],
              "NetNSPath": f"/proc/{anchor_pid}/ns/net", "ExitFD": 3, "ReadyFD": 4,
              "TmpDir": tmp, "ChildIP": "127.0.0.1", "ContainerID": PODMAN_ID,
              "RootlessCNI": False}
    user_namespace = os.open(f"/proc/{anchor_pid}/ns/user", os.O_RDONLY)

    def as_users_podman():
        os.dup2(exit_read, 3)
        os.dup2(ready_write, 4)
        lab.as_user()
        if ctypes.CDLL(None, use_errno=True).setns(user_namespace, CLONE_NEWUSER) != 0:
            os._exit(99)
    process = lab.keep(subprocess.Popen([ROOTLESSPORT], stdin=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, pass_fds=(3, 4),
                                        preexec_fn=as_users_podman))
    os.close(user_namespace)
    process.stdin.write(json.dumps(config).encode())
    process.stdin.close()
    os.close(ready_write)
    os.close(exit_read)
    ready = os.read(ready_read, 1)
    os.close(ready_read)
    lab.exit_pipes.append(exit_write)
    if ready != b"1":
        pytest.fail("rootlessport did not get ready", pytrace=False)
    return process


def test_a_forged_podman_state_leads_rootlessport_only_into_the_users_namespace(lab):
    """The user's own rootlessport, their forged state naming the container web and mapping the
    host port to a port of their choice: what is found is their own process, in the namespace
    of rootlessport's child, and container:web needs their user."""
    anchor = lab.keep(subprocess.Popen(["unshare", "--user", "--map-root-user", "--net",
                                        "sleep", "infinity"], preexec_fn=lab.as_user))
    assert wait_until(5, lambda: os.readlink(f"/proc/{anchor.pid}/ns/user")
                      != os.readlink("/proc/self/ns/user"), 0.05)
    subprocess.run(["nsenter", f"--net=/proc/{anchor.pid}/ns/net", "ip", "link", "set", "lo",
                    "up"], check=True)
    with inside_network_namespace(anchor.pid):
        lab.keep(start_holder(lab.nginx, "127.0.0.1", 8000, uid=UID))
    tmp = lab.users_file("rootlessport/x")
    rootlessport = start_users_rootlessport(lab, anchor.pid, 19010, 8000, os.path.dirname(tmp))
    held = [os.readlink(f"/proc/{rootlessport.pid}/fd/{fd}")
            for fd in os.listdir(f"/proc/{rootlessport.pid}/fd")]
    [netns] = [target for target in held if target.startswith("net:[")] or ["none"]
    config = ('{"spec":{},"id":"%s","name":"web","newPortMappings":[{"host_ip":"",'
              '"container_port":8000,"host_port":19010,"range":1,"protocol":"tcp"}]}'
              % PODMAN_ID).encode()
    write_bolt_state(lab.podman_state(), [(PODMAN_ID.encode(), config)], netns=netns.encode())
    result = lab.run(f"tcp/19010=container:web+user:{USER}")
    assert result.code == 0, result.stdout
    assert "-> container port 8000 container web" in result.stdout, result.stdout
    assert f"user {USER}" in result.stdout
    assert lab.run("tcp/19010=container:web").code == 2
    assert lab.run("tcp/19010=nginx+user:root").code == 2
