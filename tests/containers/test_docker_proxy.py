# SPDX-License-Identifier: GPL-3.0-or-later
"""docker-proxy followed to the container behind it, with Debian's real docker-proxy and no
dockerd: the test builds what dockerd would have built.

- "host": a private network namespace (the test's), where docker-proxy listens;
- "container": a second network namespace joined to it by a veth pair (10.200.0.1 and
  10.200.0.2), where a copy of Python named nginx listens on 10.200.0.2:8000 as nobody;
- that process in a cgroup directory named like Docker's (docker-<64 hex digits>.scope);
- Docker's state for its name, /var/lib/docker/containers/<id>/config.v2.json, and docker-proxy
  in a package folder (/usr/local/sbin): both on tmpfs in the test's private mount namespace, so
  nothing of the machine changes;
- docker-proxy started as dockerd starts it, its start-up status on fd 3.

Root needed (namespaces, cgroups, mounts); the test fails without it.
"""
import contextlib
import ctypes
import os
import shutil
import subprocess
import tempfile

import pytest

from pylib import plugin as plugin_run
from pylib.netns import private_network_namespace
from pylib.processes import wait_until

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18

HOST_ADDRESS = "10.200.0.1"
CONTAINER_ADDRESS = "10.200.0.2"
CONTAINER_PORT = 8000
CONTAINER_NAME = "web"
NOBODY = 65534
HERE = os.path.dirname(os.path.abspath(__file__))

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(source, target, fstype, flags=0):
    _check(_libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                       flags, None), f"mount {target}")


@contextlib.contextmanager
def private_mounts():
    """Mounts made in the block are the test's alone (and gone with it). One-way: the test
    process keeps its private mount namespace, which only it uses."""
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount("none", "/", None, MS_REC | MS_PRIVATE)
    yield


@contextlib.contextmanager
def inside_network_namespace(pid):
    """The calling (single) thread, and the children it starts, in the network namespace of pid."""
    with open("/proc/self/ns/net", "rb") as original, open(f"/proc/{pid}/ns/net", "rb") as there:
        _check(_libc.setns(there.fileno(), CLONE_NEWNET), "setns")
        try:
            yield
        finally:
            _check(_libc.setns(original.fileno(), CLONE_NEWNET), "setns back")


def cgroup2_root():
    """Where the unified cgroup hierarchy is mounted (/sys/fs/cgroup, or .../unified on hybrid
    hosts)."""
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        for line in mounts:
            fields = line.split()
            if fields[fields.index("-") + 1] == "cgroup2":
                return fields[4]
    pytest.fail("no cgroup2 hierarchy is mounted", pytrace=False)


# Holds a TCP listener, reports "ready" on stdout, and dies with its parent.
HOLDER_SCRIPT = r"""
import ctypes, signal, socket, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
print("ready", flush=True)
while True:
    signal.pause()
"""


def start_holder(executable, address, port, uid=0):
    def drop():
        if uid:
            os.setgid(uid)
            os.setuid(uid)
    process = subprocess.Popen([executable, "-I", "-c", HOLDER_SCRIPT, address, str(port)],
                               stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               preexec_fn=drop)
    if process.stdout.readline() != b"ready\n":
        process.kill()
        raise RuntimeError(f"{executable} did not get ready on {address}:{port}")
    return process


class Lab:
    def __init__(self, workdir, plugin):
        self.workdir = workdir
        self.plugin = plugin
        self.processes = []
        self.cgroups = []
        self.container_id = os.urandom(32).hex()

    def keep(self, process):
        self.processes.append(process)
        return process

    def run(self, *rules, user=None, plugin=None):
        args = []
        for rule in rules:
            args += ["-p", rule]
        return plugin_run.run(plugin or self.plugin, args + ["-v"], user=user)

    def start_proxy(self, proxy, host_port, container_address, container_port, uid=0,
                    host_address="0.0.0.0"):
        """docker-proxy as dockerd starts it: status written to fd 3, which it then closes."""
        status = os.path.join(self.workdir, f"proxy-{host_port}.status")
        argv = [proxy, "-proto", "tcp", "-host-ip", host_address, "-host-port", str(host_port),
                "-container-ip", container_address, "-container-port", str(container_port)]
        with open(status, "wb") as fd3:
            def as_dockerd():
                os.dup2(fd3.fileno(), 3)
                if uid:
                    os.setgid(uid)
                    os.setuid(uid)
            # preexec_fn runs before the unlisted fds are closed: keep 3 open through that.
            process = self.keep(subprocess.Popen(argv, pass_fds=(3,),
                                                 preexec_fn=as_dockerd,
                                                 stderr=subprocess.DEVNULL))
        if not wait_until(10, lambda: os.path.getsize(status) > 0, 0.05):
            raise RuntimeError(f"{proxy} wrote no start-up status")
        with open(status, encoding="utf-8", errors="replace") as written:
            answer = written.read()
        if not answer.startswith("0"):
            raise RuntimeError(f"{proxy} failed to start: {answer!r}")
        return process

    def place_in_container_cgroup(self, pid):
        parent = os.path.join(cgroup2_root(), f"port-owner-test-{os.getpid()}.slice")
        scope = os.path.join(parent, f"docker-{self.container_id}.scope")
        os.makedirs(scope, exist_ok=True)
        for directory in (parent, scope):
            if directory not in self.cgroups:
                self.cgroups.insert(0, directory)
        with open(os.path.join(scope, "cgroup.procs"), "w", encoding="ascii") as procs:
            procs.write(str(pid))

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
        # A cgroup can go once its processes are gone; the kernel needs a moment after a kill.
        for directory in self.cgroups:
            wait_until(5, lambda: _rmdir(directory), 0.05)


def _rmdir(path):
    try:
        os.rmdir(path)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


def docker_proxy_binary():
    script = os.path.join(HERE, "docker_proxy_binary.sh")
    result = subprocess.run([script], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail(f"docker_proxy_binary.sh failed: {result.stderr}", pytrace=False)
    return result.stdout.strip()


def copy_program(source, directory, name, mode=0o755):
    path = os.path.join(directory, name)
    shutil.copyfile(source, path)
    os.chmod(path, mode)
    return path


def set_up_container_network(lab):
    """The container's network namespace, anchored by a sleeping process, and the veth pair."""
    anchor = lab.keep(subprocess.Popen(["unshare", "--net", "sleep", "infinity"]))
    wait_until(5, lambda: os.readlink(f"/proc/{anchor.pid}/ns/net")
               != os.readlink("/proc/self/ns/net"), 0.05)

    def ip(*args, inside=False):
        prefix = ["nsenter", f"--net=/proc/{anchor.pid}/ns/net"] if inside else []
        subprocess.run(prefix + ["ip"] + list(args), check=True)
    ip("link", "add", "veth-host", "type", "veth", "peer", "name", "veth-ctr")
    ip("link", "set", "veth-ctr", "netns", str(anchor.pid))
    ip("addr", "add", f"{HOST_ADDRESS}/24", "dev", "veth-host")
    ip("link", "set", "veth-host", "up")
    ip("link", "set", "lo", "up", inside=True)
    ip("addr", "add", f"{CONTAINER_ADDRESS}/24", "dev", "veth-ctr", inside=True)
    ip("link", "set", "veth-ctr", "up", inside=True)
    return anchor.pid


def write_docker_state(lab):
    _mount("tmpfs", "/var/lib", "tmpfs")
    state = f"/var/lib/docker/containers/{lab.container_id}"
    os.makedirs(state)
    with open(os.path.join(state, "config.v2.json"), "w", encoding="utf-8") as config:
        config.write('{"StreamConfig":{},"State":{"Running":true},"ID":"%s",'
                     '"Config":{"Hostname":"3f2a","Name":"/not-this"},'
                     '"Name":"/%s","Driver":"overlay2"}' % (lab.container_id, CONTAINER_NAME))


@pytest.fixture(scope="module")
def lab(plugin):
    if os.geteuid() != 0:
        pytest.fail("these tests need root (namespaces, cgroups, mounts)", pytrace=False)
    proxy_source = docker_proxy_binary()
    workdir = tempfile.mkdtemp(prefix="port-owner-containers-")
    os.chmod(workdir, 0o755)
    with private_mounts(), private_network_namespace():
        lab = Lab(workdir, plugin)
        try:
            write_docker_state(lab)
            _mount("tmpfs", "/usr/local/sbin", "tmpfs")
            lab.proxy = copy_program(proxy_source, "/usr/local/sbin", "docker-proxy")
            lab.proxy_source = proxy_source
            lab.nginx = copy_program(os.path.realpath("/usr/bin/python3"), workdir, "nginx")
            lab.namespace_pid = set_up_container_network(lab)
            with inside_network_namespace(lab.namespace_pid):
                lab.holder = lab.keep(start_holder(lab.nginx, CONTAINER_ADDRESS,
                                                   CONTAINER_PORT, uid=NOBODY))
            lab.place_in_container_cgroup(lab.holder.pid)
            lab.proxy_process = lab.start_proxy(lab.proxy, 8080, CONTAINER_ADDRESS,
                                                CONTAINER_PORT)
            yield lab
        finally:
            lab.stop()
            shutil.rmtree(workdir, ignore_errors=True)


def chain(lab):
    short = lab.container_id[:12]
    return (f"docker-proxy (pid {lab.proxy_process.pid}) -> container {CONTAINER_NAME} "
            f"({short}): nginx (pid {lab.holder.pid}, user nobody)")


def rule_lines(result, port):
    """The output about tcp/PORT (other listeners of the namespace are listed with -v)."""
    return "\n".join(line for line in result.lines if f"tcp/{port}" in line)


def test_followed_to_the_container_by_name(lab):
    result = lab.run(f"tcp/8080=container:{CONTAINER_NAME}")
    assert result.code == 0, result.stdout
    assert result.first_line.startswith(f"PORT_OWNER OK - 1 rule OK: tcp/8080 {chain(lab)}")
    assert f"-> {CONTAINER_ADDRESS}:{CONTAINER_PORT} container {CONTAINER_NAME}" in result.stdout


def test_container_id_prefix_of_twelve_digits(lab):
    assert lab.run(f"tcp/8080=container:{lab.container_id[:12]}").code == 0
    assert lab.run(f"tcp/8080=container:{lab.container_id}").code == 0
    # A short prefix names no container: it could name many.
    assert lab.run(f"tcp/8080=container:{lab.container_id[:6]}").code == 2


def test_other_container_is_unexpected(lab):
    result = lab.run("tcp/8080=container:db")
    assert result.code == 2, result.stdout
    assert result.first_line.startswith(
        f"PORT_OWNER CRITICAL - tcp/8080 held by {chain(lab)}, expected container:db")


def test_name_exe_user_judged_inside_the_container(lab):
    assert lab.run("tcp/8080=nginx").code == 0
    assert lab.run(f"tcp/8080=exe:{lab.nginx}").code == 0
    assert lab.run("tcp/8080=user:nobody").code == 0
    assert lab.run(f"tcp/8080=nginx+user:nobody+container:{CONTAINER_NAME}").code == 0
    # root runs the proxy, not the program inside.
    assert lab.run("tcp/8080=user:root").code == 2
    assert lab.run("tcp/8080=apache2").code == 2


def test_proxy_itself_allowed_explicitly(lab):
    assert lab.run("tcp/8080=docker-proxy").code == 0
    assert lab.run("tcp/8080=exe:/usr/local/sbin/docker-proxy").code == 0
    # comm is the process's own choice: it names no program.
    assert lab.run("tcp/8080=name:docker-proxy").code == 2


def test_forged_proxy_outside_a_package_folder_is_not_followed(lab):
    forged = copy_program(lab.proxy_source, lab.workdir, "docker-proxy")
    process = lab.start_proxy(forged, 8081, CONTAINER_ADDRESS, CONTAINER_PORT)
    try:
        result = lab.run(f"tcp/8081=container:{CONTAINER_NAME}")
    finally:
        process.kill()
    assert result.code == 2, result.stdout
    assert f"-> {CONTAINER_ADDRESS}" not in rule_lines(result, 8081)
    assert f"held by docker-proxy (pid {process.pid}, user root)" in result.first_line


def test_python_named_docker_proxy_is_not_followed(lab):
    # In a package folder and root's, but not run as root: not how dockerd starts the proxy.
    _mount("tmpfs", "/usr/local/bin", "tmpfs")
    forged = copy_program(os.path.realpath("/usr/bin/python3"), "/usr/local/bin",
                          "docker-proxy")
    process = lab.keep(start_holder(forged, "0.0.0.0", 8082, uid=NOBODY))
    result = lab.run(f"tcp/8082=container:{CONTAINER_NAME}")
    process.kill()
    assert result.code == 2, result.stdout
    assert f"-> {CONTAINER_ADDRESS}" not in rule_lines(result, 8082)
    assert f"held by docker-proxy (pid {process.pid}, user nobody)" in result.first_line


def test_nothing_listening_behind_the_proxy(lab):
    process = lab.start_proxy(lab.proxy, 8083, CONTAINER_ADDRESS, 9)
    try:
        result = lab.run(f"tcp/8083=container:{CONTAINER_NAME}")
        allowed = lab.run("tcp/8083=docker-proxy")
    finally:
        process.kill()
    assert result.code == 3, result.stdout
    assert f"nothing listens on {CONTAINER_ADDRESS}:9 in the container's network namespace" \
        in result.first_line
    assert allowed.code == 0, allowed.stdout


def test_address_in_no_namespace(lab):
    process = lab.start_proxy(lab.proxy, 8084, "10.200.0.99", CONTAINER_PORT)
    try:
        result = lab.run(f"tcp/8084=container:{CONTAINER_NAME}")
    finally:
        process.kill()
    assert result.code == 3, result.stdout
    assert "no network namespace has the address 10.200.0.99" in result.first_line


def test_container_process_exited(lab):
    with inside_network_namespace(lab.namespace_pid):
        holder = start_holder(lab.nginx, CONTAINER_ADDRESS, 8001)
    process = lab.start_proxy(lab.proxy, 8085, CONTAINER_ADDRESS, 8001)
    holder.kill()
    holder.wait()
    try:
        result = lab.run(f"tcp/8085=container:{CONTAINER_NAME}")
    finally:
        process.kill()
    assert result.code == 3, result.stdout
    assert "nothing listens on" in result.first_line


def test_host_network_container_shows_its_container(lab):
    # A container with host networking: its process listens in the host's namespace itself.
    holder = lab.keep(start_holder(lab.nginx, "0.0.0.0", 8086))
    lab.place_in_container_cgroup(holder.pid)
    result = lab.run(f"tcp/8086=container:{CONTAINER_NAME}")
    other = lab.run("tcp/8086=container:db")
    holder.kill()
    assert result.code == 0, result.stdout
    assert f"nginx (pid {holder.pid}, user root) in container {CONTAINER_NAME}" in \
        result.first_line
    assert other.code == 2


def test_without_cap_sys_admin_the_proxy_is_not_followed(lab):
    # The packaged capabilities (cap_dac_read_search, cap_sys_ptrace) do not let the plugin
    # enter another network namespace.
    capable = plugin_run.install_copy(lab.plugin, lab.workdir, capabilities=True)
    result = lab.run(f"tcp/8080=container:{CONTAINER_NAME}", user=str(NOBODY), plugin=capable)
    explicit = lab.run("tcp/8080=docker-proxy", user=str(NOBODY), plugin=capable)
    assert result.code == 3, result.stdout
    assert "needs CAP_SYS_ADMIN" in result.first_line
    assert explicit.code == 0, explicit.stdout


# pasta (Debian's passt package), as rootless Podman runs it: as the user, in a user namespace of
# its own, forwarding host ports into the network namespace it made for the command it starts.
PASTA = "/usr/bin/pasta"
PODMAN_ID = "b" * 8 + os.urandom(28).hex()


def allow_tun_for_everyone():
    """/dev/net/tun as Debian's udev makes it (0666), for pasta running as nobody: in this test's
    mount namespace only, over whatever the machine has (a sandbox may have 0600)."""
    _mount("tmpfs", "/mnt", "tmpfs")
    os.mknod("/mnt/tun", 0o666 | 0o020000, os.makedev(10, 200))
    os.chmod("/mnt/tun", 0o666)
    _mount("/mnt/tun", "/dev/net/tun", None, 4096)  # MS_BIND


@pytest.fixture(scope="module")
def pasta(lab):
    if not os.path.exists(PASTA):
        pytest.fail("pasta is missing: apt-get install passt", pytrace=False)
    allow_tun_for_everyone()
    # pasta needs a routable interface on the host's side to copy its addresses from.
    subprocess.run(["ip", "route", "add", "default", "via", CONTAINER_ADDRESS, "dev",
                    "veth-host"], check=True)

    def as_nobody():
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    process = lab.keep(subprocess.Popen(
        [PASTA, "-f", "-t", "8090:8000", "-t", "8091:8001", "-u", "none", "-T", "none", "-U",
         "none", "--config-net", "--", lab.nginx, "-I", "-c", HOLDER_SCRIPT, "0.0.0.0", "8000"],
        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=as_nobody, env={"HOME": "/", "PATH": "/usr/bin:/bin"}, cwd="/"))
    if process.stdout.readline() != b"ready\n":
        pytest.fail("pasta did not start its command", pytrace=False)
    children = wait_until(5, lambda: open(f"/proc/{process.pid}/task/{process.pid}/children",
                                          encoding="ascii").read().split(), 0.05)
    inside = int(children[0])
    parent = os.path.join(cgroup2_root(), f"port-owner-test-{os.getpid()}.slice")
    scope = os.path.join(parent, f"libpod-{PODMAN_ID}.scope")
    os.makedirs(scope, exist_ok=True)
    lab.cgroups.insert(0, scope)
    with open(os.path.join(scope, "cgroup.procs"), "w", encoding="ascii") as procs:
        procs.write(str(inside))
    return process.pid, inside


def test_pasta_followed_to_the_podman_container(lab, pasta):
    pasta_pid, inside = pasta
    result = lab.run(f"tcp/8090=container:{PODMAN_ID[:12]}")
    assert result.code == 0, result.stdout
    assert (f"(pid {pasta_pid}) -> container {PODMAN_ID[:12]}: nginx (pid {inside}, "
            f"user nobody)") in result.first_line
    assert "-> port 8000 of its network namespace container" in result.stdout
    assert lab.run("tcp/8090=nginx+user:nobody").code == 0
    assert lab.run("tcp/8090=apache2").code == 2


def test_pasta_with_nothing_behind_the_port(lab, pasta):
    result = lab.run(f"tcp/8091=container:{PODMAN_ID[:12]}")
    assert result.code == 3, result.stdout
    assert "nothing listens on port 8001 in its network namespace" in result.first_line
    # This pasta also leaves its listening sockets open in the command it starts: that process,
    # in the container, holds the host's listener too, and is judged as itself.
    assert lab.run(f"tcp/8091=exe:/usr/bin/passt*,container:{PODMAN_ID[:12]}").code == 0
    assert lab.run("tcp/8091=exe:/usr/bin/passt*").code == 2


def start_in_own_root(lab, port):
    """A holder in a mount namespace of its own, running /opt/nginx from a tmpfs there: the path
    names its file in its root, and nothing (or another file) on the host."""
    script = ('mount -t tmpfs tmpfs /opt && cp "$0" /opt/nginx && exec /opt/nginx -I -c "$1" '
              f'0.0.0.0 {port}')
    process = lab.keep(subprocess.Popen(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, lab.nginx,
         HOLDER_SCRIPT], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL))
    if process.stdout.readline() != b"ready\n":
        raise RuntimeError("the holder in its own root did not get ready")
    return process


def test_exe_is_the_containers_path_in_a_container_root_made(lab):
    process = start_in_own_root(lab, 8087)
    lab.place_in_container_cgroup(process.pid)
    result = lab.run("tcp/8087=exe:/opt/nginx")
    process.kill()
    assert result.code == 0, result.stdout
    assert "exe /opt/nginx (path in the container)" in result.stdout


def test_exe_is_the_hosts_path_in_a_cgroup_a_user_made(lab):
    # A user with a delegated cgroup subtree can name a cgroup like a container's and run a
    # mount namespace of their own in it: its paths then prove nothing.
    process = start_in_own_root(lab, 8088)
    parent = os.path.join(cgroup2_root(), f"port-owner-test-{os.getpid()}.slice")
    scope = os.path.join(parent, f"docker-{'d' * 64}.scope")
    os.makedirs(scope, exist_ok=True)
    lab.cgroups.insert(0, scope)
    os.chown(scope, NOBODY, NOBODY)
    with open(os.path.join(scope, "cgroup.procs"), "w", encoding="ascii") as procs:
        procs.write(str(process.pid))
    result = lab.run("tcp/8088=exe:/opt/nginx")
    process.kill()
    assert result.code == 2, result.stdout
    assert "exe /opt/nginx (not the file at that path here) mount namespace other than the " \
        "plugin's" in result.stdout


def test_a_cgroup_a_user_made_borrows_no_container(lab):
    # The same user names their cgroup after root's container `web`, id and all: the check must
    # neither call it `web` nor let container: alone allow it; a user: condition can vouch.
    process = start_in_own_root(lab, 8089)
    parent = os.path.join(cgroup2_root(), f"port-owner-test-{os.getpid()}-borrowed.slice")
    scope = os.path.join(parent, f"docker-{lab.container_id}.scope")
    os.makedirs(scope, exist_ok=True)
    lab.cgroups.insert(0, scope)
    lab.cgroups.insert(1, parent)
    os.chown(scope, NOBODY, NOBODY)
    with open(os.path.join(scope, "cgroup.procs"), "w", encoding="ascii") as procs:
        procs.write(str(process.pid))
    by_name = lab.run(f"tcp/8089=container:{CONTAINER_NAME}")
    by_id = lab.run(f"tcp/8089=container:{lab.container_id[:12]}")
    vouched = lab.run(f"tcp/8089=container:{lab.container_id[:12]}+user:0")
    process.kill()
    assert by_name.code == 2, by_name.stdout
    assert by_id.code == 2, by_id.stdout
    about_the_port = [line for line in by_name.stdout.splitlines() if "tcp/8089" in line]
    assert about_the_port and all(f"container {lab.container_id[:12]}" in line
                                  and f"container {CONTAINER_NAME} (" not in line
                                  for line in about_the_port), by_name.stdout
    assert vouched.code == 0, vouched.stdout


def test_learn_writes_the_container_behind_the_proxy(lab):
    learned = plugin_run.run(lab.plugin, ["--learn"])
    assert learned.code == 0, learned.stderr
    assert ("[tcp/8080]\n# 0.0.0.0 docker-proxy user root\n"
            f"allow = container:{CONTAINER_NAME}\n") in learned.stdout
    path = os.path.join(lab.workdir, "learned.ini")
    with open(path, "w", encoding="utf-8") as allow_list:
        allow_list.write(learned.stdout)
    result = plugin_run.run(lab.plugin, ["-C", path, "-v"])
    assert result.first_line.startswith("PORT_OWNER OK"), result.stdout


def test_address_in_two_namespaces_is_not_followed(lab):
    # Two containers on separate bridges may share an address; which one the proxy reaches is the
    # host's routing, which the check does not guess.
    twin = subprocess.Popen(["unshare", "--net", "sleep", "infinity"])
    try:
        wait_until(5, lambda: os.readlink(f"/proc/{twin.pid}/ns/net")
                   != os.readlink("/proc/self/ns/net"), 0.05)
        inside = ["nsenter", f"--net=/proc/{twin.pid}/ns/net", "ip"]
        subprocess.run(inside + ["link", "add", "twin0", "type", "veth", "peer", "name", "twin1"],
                       check=True)
        subprocess.run(inside + ["addr", "add", f"{CONTAINER_ADDRESS}/24", "dev", "twin0"],
                       check=True)
        result = lab.run(f"tcp/8080=container:{CONTAINER_NAME}")
    finally:
        twin.kill()
        twin.wait()
    assert result.code == 3, result.stdout
    assert f"{CONTAINER_ADDRESS} is an address in 2 network namespaces" in result.first_line
    # Once the twin is gone, the proxy is followed again.
    assert lab.run(f"tcp/8080=container:{CONTAINER_NAME}").code == 0


# IPv6: Docker publishes to a container's IPv6 address with `-host-ip :: -container-ip ADDRESS`.
HOST_ADDRESS6 = "fd00:200::1"
CONTAINER_ADDRESS6 = "fd00:200::2"

# As HOLDER_SCRIPT, on IPv6 only (IPV6_V6ONLY): what is found behind a proxy is found there.
HOLDER6_SCRIPT = HOLDER_SCRIPT.replace("socket.AF_INET,", "socket.AF_INET6,").replace(
    "s.bind(", "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)\ns.bind(")


def start_holder6(executable, address, port, uid=NOBODY):
    def drop():
        os.setgid(uid)
        os.setuid(uid)
    process = subprocess.Popen([executable, "-I", "-c", HOLDER6_SCRIPT, address, str(port)],
                               stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                               preexec_fn=drop)
    if process.stdout.readline() != b"ready\n":
        process.kill()
        raise RuntimeError(f"{executable} did not get ready on [{address}]:{port}")
    return process


@pytest.fixture(scope="module")
def ipv6(lab):
    """IPv6 addresses on both ends of the veth pair (nodad: usable at once), and a default IPv6
    route on the host's side, which pasta needs to forward IPv6 at all."""
    inside = ["nsenter", f"--net=/proc/{lab.namespace_pid}/ns/net"]
    subprocess.run(["ip", "-6", "addr", "add", f"{HOST_ADDRESS6}/64", "dev", "veth-host",
                    "nodad"], check=True)
    subprocess.run(inside + ["ip", "-6", "addr", "add", f"{CONTAINER_ADDRESS6}/64", "dev",
                             "veth-ctr", "nodad"], check=True)
    subprocess.run(["ip", "-6", "route", "add", "default", "via", CONTAINER_ADDRESS6, "dev",
                    "veth-host"], check=True)
    return CONTAINER_ADDRESS6


def test_docker_proxy_followed_to_an_ipv6_container_address(lab, ipv6):
    with inside_network_namespace(lab.namespace_pid):
        holder = lab.keep(start_holder6(lab.nginx, ipv6, 8002))
    lab.place_in_container_cgroup(holder.pid)
    process = lab.start_proxy(lab.proxy, 8094, ipv6, 8002, host_address="::")
    try:
        result = lab.run(f"tcp/8094=container:{CONTAINER_NAME}")
        by_name = lab.run("tcp/8094=nginx+user:nobody")
        other = lab.run("tcp/8094=apache2")
    finally:
        process.kill()
        holder.kill()
    assert result.code == 0, result.stdout
    assert (f"docker-proxy (pid {process.pid}) -> container {CONTAINER_NAME} "
            f"({lab.container_id[:12]}): nginx (pid {holder.pid}, user nobody)") \
        in result.first_line
    assert f"-> [{ipv6}]:8002 container {CONTAINER_NAME}" in result.stdout
    assert by_name.code == 0, by_name.stdout
    assert other.code == 2, other.stdout


def test_docker_proxy_followed_to_an_ipv6_wildcard_listener(lab, ipv6):
    # [::] with IPV6_V6ONLY serves the container's IPv6 address, and only that family.
    with inside_network_namespace(lab.namespace_pid):
        holder = lab.keep(start_holder6(lab.nginx, "::", 8003))
    lab.place_in_container_cgroup(holder.pid)
    process = lab.start_proxy(lab.proxy, 8095, ipv6, 8003, host_address="::")
    try:
        result = lab.run("tcp/8095=nginx+user:nobody")
        other = lab.run("tcp/8095=apache2")
        # The same listener is no IPv4 listener: the container's IPv4 address reaches nothing.
        ipv4 = lab.start_proxy(lab.proxy, 8096, CONTAINER_ADDRESS, 8003)
        try:
            unreached = lab.run("tcp/8096=nginx")
        finally:
            ipv4.kill()
    finally:
        process.kill()
        holder.kill()
    assert result.code == 0, result.stdout
    assert f"nginx (pid {holder.pid}, user nobody)" in result.first_line
    assert other.code == 2, other.stdout
    assert unreached.code == 3, unreached.stdout
    assert f"nothing listens on {CONTAINER_ADDRESS}:8003" in unreached.first_line


def place_in_podman_cgroup(lab, pid, podman_id):
    parent = os.path.join(cgroup2_root(), f"port-owner-test-{os.getpid()}.slice")
    scope = os.path.join(parent, f"libpod-{podman_id}.scope")
    os.makedirs(scope, exist_ok=True)
    if scope not in lab.cgroups:
        lab.cgroups.insert(0, scope)
    with open(os.path.join(scope, "cgroup.procs"), "w", encoding="ascii") as procs:
        procs.write(str(pid))


def listening(port):
    """Whether a TCP socket listens on port in the test's network namespace."""
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        with open(table, encoding="ascii") as sockets:
            for line in sockets.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    return True
    return False


# pasta as rootless Podman starts it: against a network namespace Podman made and bind-mounted
# to a file (/run/user/UID/netns/netns-...), owned by a user namespace of the user's, instead of
# starting a command itself.
PODMAN_NETNS_ID = "c" * 8 + os.urandom(28).hex()


@pytest.fixture(scope="module")
def pasta_netns(lab, pasta, ipv6):
    # `pasta` first: it makes /dev/net/tun usable for nobody and gives the host a default route.
    anchor = lab.keep(subprocess.Popen(
        ["unshare", "--user", "--map-root-user", "--net", "sleep", "infinity"],
        preexec_fn=lambda: (os.setgid(NOBODY), os.setuid(NOBODY))))
    wait_until(5, lambda: os.readlink(f"/proc/{anchor.pid}/ns/net")
               != os.readlink("/proc/self/ns/net"), 0.05)
    netns_dir = os.path.join(lab.workdir, "netns")
    os.makedirs(netns_dir)
    os.chmod(netns_dir, 0o755)
    netns_file = os.path.join(netns_dir, "netns-" + PODMAN_NETNS_ID[:8])
    with open(netns_file, "w", encoding="ascii"):
        pass
    # The test's private mount namespace keeps the bind mount; gone with the test.
    _mount(f"/proc/{anchor.pid}/ns/net", netns_file, None, 4096)  # MS_BIND
    with inside_network_namespace(anchor.pid):
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        holder = lab.keep(start_holder(lab.nginx, "0.0.0.0", 8000, uid=NOBODY))
        holder6 = lab.keep(start_holder6(lab.nginx, "::", 8001))
    for process in (holder, holder6):
        place_in_podman_cgroup(lab, process.pid, PODMAN_NETNS_ID)

    def as_nobody():
        os.setgid(NOBODY)
        os.setuid(NOBODY)
    # Podman runs pasta in the user's user namespace, which owns the network namespace: pasta
    # makes a user namespace of its own below it, from where it may enter that network namespace
    # (from beside it, as nobody on the host, it may not). nobody is root there, with the same
    # uid on the host (--preserve-credentials: the namespace maps no groups).
    process = lab.keep(subprocess.Popen(
        ["nsenter", f"--user=/proc/{anchor.pid}/ns/user", "--preserve-credentials", PASTA, "-f",
         "--config-net", "-t", "8092:8000", "-t", "8093:8001", "-u", "none", "-T", "none", "-U",
         "none", "--netns", netns_file],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=as_nobody, env={"HOME": "/", "PATH": "/usr/bin:/bin"}, cwd="/"))
    if not wait_until(10, lambda: process.poll() is not None
                      or (listening(8092) and listening(8093)), 0.05) or process.poll():
        pytest.fail(f"pasta --netns {netns_file} did not start", pytrace=False)
    return process.pid, holder.pid, holder6.pid


def test_pasta_with_netns_path_followed_to_the_podman_container(lab, pasta_netns):
    pasta_pid, holder, _ = pasta_netns
    result = lab.run(f"tcp/8092=container:{PODMAN_NETNS_ID[:12]}")
    assert result.code == 0, result.stdout
    assert (f"(pid {pasta_pid}) -> container {PODMAN_NETNS_ID[:12]}: nginx (pid {holder}, "
            f"user nobody)") in result.first_line
    assert "-> port 8000 of its network namespace container" in result.stdout
    assert lab.run("tcp/8092=nginx+user:nobody").code == 0
    assert lab.run("tcp/8092=apache2").code == 2
    assert lab.run(f"tcp/8092=container:{PODMAN_ID[:12]}").code == 2


def test_pasta_followed_to_an_ipv6_listener(lab, pasta_netns):
    pasta_pid, _, holder6 = pasta_netns
    # pasta listens on both families on the host (its spec names no address): both are followed.
    result = lab.run(f"tcp/8093=container:{PODMAN_NETNS_ID[:12]}")
    assert result.code == 0, result.stdout
    assert (f"(pid {pasta_pid}) -> container {PODMAN_NETNS_ID[:12]}: nginx (pid {holder6}, "
            f"user nobody)") in result.first_line
    holders = [line for line in result.stdout.splitlines() if "tcp/8093" in line]
    assert any("[::]" in line for line in holders), result.stdout
    assert lab.run("tcp/8093=nginx+user:nobody").code == 0
    assert lab.run("tcp/8093=apache2").code == 2
