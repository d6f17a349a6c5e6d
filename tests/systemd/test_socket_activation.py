# SPDX-License-Identifier: GPL-3.0-or-later
"""Socket activation against a real systemd as PID 1 (tests/systemd/systemd_container.sh): a
listener systemd holds for a .socket unit is judged by that unit and the service it triggers,
before and after activation; PID 1 holding a socket for no socket unit stays "systemd"; without
systemd's D-Bus answer nothing is decided on the unit.

One container for the module; each socket unit serves one test, so that activating one (a
connection, a datagram) changes nothing another test looks at.
"""
import os
import shutil
import tempfile
import time

import pytest

from pylib.plugin import PluginRun, set_file_capabilities
from pylib.systemd_container import SystemdContainer

NOBODY = "65534"

UNITS = {
    # Accept=no TCP: the service inherits the listener (fd 3) and sleep keeps it open.
    "plain-tcp.socket": "[Socket]\nListenStream=127.0.0.1:7101\n",
    "plain-tcp.service": "[Service]\nExecStart=/usr/bin/sleep infinity\n",
    # Accept=no TCP activated in the test of the state after activation.
    "later-tcp.socket": "[Socket]\nListenStream=127.0.0.1:7106\n",
    "later-tcp.service": "[Service]\nExecStart=/usr/bin/sleep infinity\nUser=nobody\n",
    # Accept=yes: an instance of echo-tcp@.service per connection.
    "echo-tcp.socket": "[Socket]\nListenStream=127.0.0.1:7102\nAccept=yes\n",
    "echo-tcp@.service": "[Service]\nExecStart=/usr/bin/cat\nStandardInput=socket\n",
    "plain-udp.socket": "[Socket]\nListenDatagram=127.0.0.1:7103\n",
    "plain-udp.service": "[Service]\nExecStart=/usr/bin/sleep infinity\nDynamicUser=yes\n",
    # Accept=no, a service still starting when the check runs: systemd's child opens the FIFO of
    # its StandardInput= before it runs sleep, and waits there for a writer, holding the listener
    # it is to pass on (a copy of PID 1's descriptors, running PID 1's executable).
    "starting-tcp.socket": "[Socket]\nListenStream=127.0.0.1:7107\n",
    "starting-tcp.service": ("[Service]\nExecStart=/usr/bin/sleep infinity\n"
                             "StandardInput=file:/run/starting.fifo\n"),
    # A socket whose service is not what the rule expects on that port.
    "rogue.socket": "[Socket]\nListenStream=127.0.0.1:7104\nService=rogue-payload.service\n",
    "rogue-payload.service": "[Service]\nExecStart=/usr/bin/tail -f /dev/null\n",
    # PID 1 holding a listener for no socket unit: a service hands its socket to systemd's file
    # descriptor store and closes its own copy.
    "fdstore.service": ("[Service]\nExecStart=/usr/bin/python3 /opt/fdstore.py\n"
                        "FileDescriptorStoreMax=1\nNotifyAccess=main\nType=notify\n"),
}

FDSTORE_PROGRAM = """\
import os, socket, time
listener = socket.socket()
listener.bind(("127.0.0.1", 7105))
listener.listen()
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
address = os.environ["NOTIFY_SOCKET"]
notify.connect("\\0" + address[1:] if address.startswith("@") else address)
socket.send_fds(notify, [b"FDSTORE=1\\nFDNAME=listener"], [listener.fileno()])
listener.close()
socket.send_fds(notify, [b"READY=1"], [])
time.sleep(3600)
"""


# The pids holding the TCP listener on port argv[1] (from /proc/net/tcp and /proc/*/fd).
HOLDERS_OF_PORT = """\
import os, sys
port = "%04X" % int(sys.argv[1])
with open("/proc/net/tcp") as f:
    inodes = {line.split()[9] for line in f.readlines()[1:]
              if line.split()[1].endswith(":" + port) and line.split()[3] == "0A"}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        continue
    if any(link == f"socket:[{inode}]" for inode in inodes for link in links):
        print(pid)
"""


@pytest.fixture(scope="module")
def container(plugin):
    if os.geteuid() != 0:
        pytest.fail("this test needs root (namespaces, mounts, a cgroup)", pytrace=False)
    shared = tempfile.mkdtemp(prefix="socket-activation-")
    os.chmod(shared, 0o755)
    # A plain copy for root, a copy with the packaged capabilities for the unprivileged runs.
    shutil.copyfile(plugin, os.path.join(shared, "check_port_owner"))
    os.chmod(os.path.join(shared, "check_port_owner"), 0o755)
    capable = os.path.join(shared, "check_port_owner_capabilities")
    shutil.copyfile(plugin, capable)
    os.chmod(capable, 0o755)
    set_file_capabilities(capable)
    print(f"tree ready in {SystemdContainer.create():.1f} s")
    machine = SystemdContainer(shared)
    try:
        print(f"systemd reached 'running' in {machine.start():.1f} s")
        for name, text in UNITS.items():
            machine.write_file(f"/etc/systemd/system/{name}", text)
        machine.write_file("/opt/fdstore.py", FDSTORE_PROGRAM)
        machine.systemctl("daemon-reload")
        machine.systemctl("start", *[name for name in UNITS if name.endswith(".socket")])
        machine.systemctl("start", "fdstore.service")
        yield machine
    finally:
        machine.stop()
        shutil.rmtree(shared)


def check(container, *args, user=None, capabilities=False):
    program = os.path.join(container.shared, "check_port_owner_capabilities" if capabilities
                           else "check_port_owner")
    argv = [program, "-v"] + list(args)
    if user is not None:
        argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups",
                "--inh-caps=-all", "--"] + argv
    process = container.run(argv)
    return PluginRun(process.returncode, process.stdout, process.stderr)


def assert_state(result, code):
    assert result.code == code, result.stdout + result.stderr
    assert result.stderr == ""


def lines_about(result, port):
    """The long-output lines of one rule (the others list unlisted listeners with -v)."""
    return "\n".join(line for line in result.long_lines if f"tcp/{port} " in line)


def connect(container, port, transport="tcp"):
    """One connection (TCP, left open by the server) or one datagram (UDP), from inside."""
    kind = "SOCK_STREAM" if transport == "tcp" else "SOCK_DGRAM"
    container.run(["python3", "-c",
                   f"import socket; s = socket.socket(socket.AF_INET, socket.{kind}); "
                   f"s.connect(('127.0.0.1', {port})); s.send(b'x')"], check=True)


def test_accept_no_tcp_before_activation(container):
    for entry in ("unit:plain-tcp.socket", "unit:plain-tcp.service", "sleep", "exe:/usr/bin/sleep",
                  "sleep+user:root"):
        result = check(container, "-p", f"7101={entry}")
        assert_state(result, 0)
        assert ("OK tcp/7101 127.0.0.1: sleep pid 1 user root exe /usr/bin/sleep unit "
                "plain-tcp.service for socket unit plain-tcp.socket (held by systemd pid 1"
                in result.stdout), result.stdout
    assert_state(check(container, "-p", "7101=cat"), 2)
    assert_state(check(container, "-p", "7101=unit:echo-tcp.socket"), 2)


def test_accept_no_tcp_after_activation(container):
    assert_state(check(container, "-p", "7106=sleep+user:nobody"), 0)
    connect(container, 7106)
    container.wait_until_active("later-tcp.service")
    main_pid = container.run(["systemctl", "show", "-P", "MainPID", "later-tcp.service"],
                             check=True).stdout.strip()
    for entry in ("unit:later-tcp.socket", "unit:later-tcp.service", "sleep",
                  "exe:/usr/bin/sleep+user:nobody"):
        result = check(container, "-vv", "-p", f"7106={entry}")
        assert_state(result, 0)
        lines = lines_about(result, 7106)
        assert (f"sleep pid {main_pid} user nobody exe /usr/bin/sleep unit later-tcp.service "
                "for socket unit later-tcp.socket" in lines), result.stdout
        assert "held by systemd pid 1" not in lines
    assert_state(check(container, "-p", "7106=sleep+user:root"), 2)


def test_accept_yes_tcp_is_judged_by_the_template(container):
    for entry in ("unit:echo-tcp.socket", "unit:echo-tcp@.service", "cat", "exe:/usr/bin/cat"):
        result = check(container, "-p", f"7102={entry}")
        assert_state(result, 0)
        assert ("cat pid 1 user root exe /usr/bin/cat unit echo-tcp@.service for socket unit "
                "echo-tcp.socket" in result.stdout), result.stdout
    # A connection starts an instance that holds only its connection: the listener is still
    # PID 1's, judged alike.
    connect(container, 7102)
    assert_state(check(container, "-p", "7102=cat"), 0)
    assert_state(check(container, "-p", "7102=sleep"), 2)


def test_a_service_between_fork_and_exec_is_judged_by_what_it_will_run(container):
    container.run(["mkfifo", "-m", "0600", "/run/starting.fifo"], check=True)
    connect(container, 7107)

    def main_process():
        pid = container.run(["systemctl", "show", "-P", "MainPID", "starting-tcp.service"],
                            check=True).stdout.strip()
        exe = container.run(["readlink", f"/proc/{pid}/exe"]).stdout.strip()
        return pid, exe
    deadline = time.monotonic() + 20
    while main_process()[1] != "/usr/lib/systemd/systemd" and time.monotonic() < deadline:
        time.sleep(0.1)
    child, exe = main_process()
    assert exe == "/usr/lib/systemd/systemd", f"the main process {child} runs {exe!r}"
    # The child holds the listener as well as PID 1.
    holders = container.run(["python3", "-c", HOLDERS_OF_PORT, "7107"], check=True).stdout.split()
    assert sorted(holders) == sorted(["1", child]), holders
    result = check(container, "-p", "7107=sleep")
    assert_state(result, 0)
    lines = lines_about(result, 7107)
    assert ("sleep pid 1 user root exe /usr/bin/sleep unit starting-tcp.service for socket unit "
            "starting-tcp.socket (held by systemd pid 1" in lines), result.stdout
    assert f"pid {child} " not in lines, result.stdout
    assert_state(check(container, "-p", "7107=systemd"), 2)
    # A writer lets it run sleep, which is then judged as itself.
    container.run(["sh", "-c", "exec 3>/run/starting.fifo"], check=True)
    container.run(["sh", "-c", f"for i in $(seq 200); do [ $(readlink /proc/{child}/exe) = "
                   "/usr/bin/sleep ] && exit 0; sleep 0.1; done; exit 1"], check=True)
    result = check(container, "-p", "7107=sleep")
    assert_state(result, 0)
    assert f"sleep pid {child} user root exe /usr/bin/sleep" in lines_about(result, 7107)
    assert_state(check(container, "-p", "7107=systemd"), 2)


def test_udp_before_and_after_activation(container):
    for entry in ("unit:plain-udp.socket", "unit:plain-udp.service", "sleep",
                  "sleep+user:plain-udp"):
        result = check(container, "-p", f"udp/7103={entry}")
        assert_state(result, 0)
        assert ("sleep pid 1 user plain-udp exe /usr/bin/sleep unit plain-udp.service for "
                "socket unit plain-udp.socket" in result.stdout), result.stdout
    # DynamicUser=: never root, whatever User= (unset) would otherwise mean.
    assert_state(check(container, "-p", "udp/7103=sleep+user:root"), 2)
    connect(container, 7103, transport="udp")
    container.wait_until_active("plain-udp.service")
    for entry in ("unit:plain-udp.socket", "sleep"):
        assert_state(check(container, "-p", f"udp/7103={entry}"), 0)
    assert_state(check(container, "-p", "udp/7103=cat"), 2)


def test_socket_unit_triggering_an_unexpected_service_is_critical(container):
    result = check(container, "-p", "7104=sleep")
    assert_state(result, 2)
    assert result.first_line.startswith("PORT_OWNER CRITICAL - tcp/7104 held by tail")
    assert ("CRITICAL tcp/7104 127.0.0.1: tail pid 1 user root exe /usr/bin/tail unit "
            "rogue-payload.service for socket unit rogue.socket" in result.stdout), result.stdout
    assert_state(check(container, "-p", "7104=unit:rogue.socket"), 0)


def test_pid_one_holding_a_socket_for_no_socket_unit_is_systemd(container):
    result = check(container, "-p", "7105=unit:fdstore.service")
    assert_state(result, 2)
    lines = lines_about(result, 7105)
    assert "systemd pid 1 user root exe /usr/lib/systemd/systemd unit init.scope" in lines
    assert "socket unit" not in lines
    assert_state(check(container, "-p", "7105=systemd"), 0)


def test_learn_writes_the_socket_unit(container):
    result = check(container, "--learn")
    assert result.code == 0, result.stdout
    sections = {}
    section = None
    for line in result.stdout.splitlines():
        if line.startswith("["):
            section = line
        elif line.startswith("allow = "):
            sections.setdefault(section, []).append(line[len("allow = "):])
    assert sections["[tcp/7102]"] == ["unit:echo-tcp.socket"]
    assert sections["[tcp/7104]"] == ["unit:rogue.socket"]
    assert sections["[udp/7103]"] == ["unit:plain-udp.socket"] or \
        "unit:plain-udp.socket" in sections["[udp/7103]"]
    # PID 1 for no socket unit is learned as any holder.
    assert sections["[tcp/7105]"] == ["exe:/usr/lib/systemd/systemd"]
    container.write_file("/tmp/learned.ini", result.stdout)
    assert_state(check(container, "-C", "/tmp/learned.ini"), 0)


def test_stopped_bus_leaves_pid_one_unconfirmed(container):
    container.systemctl("stop", "dbus.socket", "dbus.service")
    try:
        result = check(container, "-p", "7102=cat")
        assert_state(result, 3)
        # The socket's cgroup (netlink sock_diag) names the unit, which is said but not trusted.
        assert ("systemd (pid 1) holds the socket, by its cgroup for echo-tcp.socket, and "
                "systemd's D-Bus API could not confirm it: connecting to the system bus"
                in result.stdout), result.stdout
        # Allowing unit:echo-tcp.socket confirms nothing either; allowing systemd still does.
        assert_state(check(container, "-p", "7102=unit:echo-tcp.socket"), 3)
        assert_state(check(container, "-p", "7102=systemd"), 0)
    finally:
        container.systemctl("start", "dbus.socket")


# A bus that accepts connections and never answers: the D-Bus calls give up within -t, in time
# for the plugin to say why, instead of the supervisor's bare "timed out".
SILENT_BUS = """\
import os, socket, time
path = "/run/dbus/system_bus_socket"
os.makedirs("/run/dbus", exist_ok=True)
if os.path.exists(path):
    os.unlink(path)
server = socket.socket(socket.AF_UNIX)
server.bind(path)
os.chmod(path, 0o666)
server.listen()
open("/run/silent-bus.ready", "w").close()
connections = []
while True:
    connections.append(server.accept()[0])
"""


def test_silent_bus_is_unknown_within_the_timeout(container):
    container.systemctl("stop", "dbus.socket", "dbus.service")
    container.write_file("/opt/silent_bus.py", SILENT_BUS)
    container.run(["systemd-run", "--unit=silent-bus", "python3", "/opt/silent_bus.py"],
                  check=True)
    try:
        container.run(["sh", "-c", "for i in $(seq 100); do [ -e /run/silent-bus.ready ] && "
                       "exit 0; sleep 0.1; done; exit 1"], check=True)
        started = time.monotonic()
        result = check(container, "-t", "3", "-p", "7102=cat")
        elapsed = time.monotonic() - started
        assert_state(result, 3)
        assert "timed out after" not in result.first_line, result.stdout
        assert "systemd's D-Bus API could not confirm it" in result.stdout, result.stdout
        assert "connecting to the system bus: no answer within" in result.stdout, result.stdout
        assert elapsed < 4, f"answered after {elapsed:.1f} s with -t 3"
    finally:
        container.run(["systemctl", "stop", "silent-bus"])
        container.run(["rm", "-f", "/run/dbus/system_bus_socket", "/run/silent-bus.ready"])
        container.systemctl("start", "dbus.socket")


def test_unprivileged_user(container):
    # Without the capabilities PID 1's descriptors cannot be read: holders unknown.
    result = check(container, "-p", "7102=cat", user=NOBODY)
    assert_state(result, 3)
    assert "permission denied" in result.stdout
    # With them (as the packages install it), D-Bus needs no privilege of its own.
    result = check(container, "-p", "7102=cat", user=NOBODY, capabilities=True)
    assert_state(result, 0)
    assert "for socket unit echo-tcp.socket" in result.stdout
    # A bus this user may not connect to: not OK, and the reason.
    container.run(["chmod", "0700", "/run/dbus"], check=True)
    try:
        result = check(container, "-p", "7102=cat", user=NOBODY, capabilities=True)
        assert_state(result, 3)
        assert "connecting to the system bus: Permission denied" in result.stdout, result.stdout
    finally:
        container.run(["chmod", "0755", "/run/dbus"], check=True)
