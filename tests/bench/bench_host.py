# SPDX-License-Identifier: GPL-3.0-or-later
"""The synthetic busy host of the check_port_owner benchmark, and reading the plugin's answers.

Shared by run_benchmark.py and test_same_answers.py (Python 3 standard library only).

- enter_private_netns(): for the run_benchmark.py script (the pytest suites use pylib.netns):
  re-executes it under `/usr/bin/unshare -n` (root needed), then brings `lo` up, so the host's
  listeners exist only in a private network namespace.
- BusyHost: starts tests/bench/busy_host, waits for its manifest, and stops it (busy_host tears
  down every process it started, by pid).
- run_measured(): runs a command through spawn_measured with its output in pipes; wall time and
  peak RSS (wait4).
- plugin_argv(), read_plugin_output(), check_plugin_output(): the plugin's command line for the
  host's 12 rules, and what its -vv output says about holders.
- write_large_allow_list(), allow_list_argv(): the same 12 rules as the first sections of an
  allow-list padded to about 1 MiB (the largest file the plugin reads) with optional rules on
  ports the host does not use, and the plugin's command line for it.
"""
import collections
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

_MARK = "CHECK_PORT_OWNER_BENCH_NETNS"

SIZES = {"small": (200, 50), "medium": (500, 200), "large": (2000, 500)}

# The plugin's verdict on the host is CRITICAL: the impostor `evil` (comm nginx) holds tcp/8443,
# which allows only nginx. Every other rule is OK.
EXPECTED_EXIT = 2


class SetupError(RuntimeError):
    pass


def enter_private_netns():
    """Re-executes this script in a new network namespace (once), then brings lo up."""
    if os.environ.get(_MARK) == "1":
        ip = shutil.which("ip") or "/usr/sbin/ip"
        subprocess.run([ip, "link", "set", "lo", "up"], check=True)
        return
    if os.geteuid() != 0:
        sys.exit("FAIL: %s needs root (a private network namespace, ports below 1024, "
                 "switching users)" % os.path.basename(sys.argv[0]))
    if not os.path.exists("/usr/bin/unshare"):
        sys.exit("FAIL: /usr/bin/unshare is missing (package util-linux)")
    env = dict(os.environ, **{_MARK: "1"})
    argv = ["/usr/bin/unshare", "-n", "--", sys.executable] + sys.argv
    os.execve(argv[0], argv, env)


class BusyHost:
    """busy_host running in this namespace; use as a context manager."""

    def __init__(self, busy_host, size, processes=None, fds=None, filler_uids=None,
                 ready_timeout=900):
        default_processes, default_fds = SIZES[size]
        self.processes = processes or default_processes
        self.fds = fds or default_fds
        self.size = size
        self.workdir = tempfile.mkdtemp(prefix="cpo-bench-")
        os.chmod(self.workdir, 0o755)  # the services and fillers run under other uids
        argv = [busy_host, "--dir", self.workdir + "/host", "--processes", str(self.processes),
                "--fds", str(self.fds)]
        if filler_uids:
            argv += ["--filler-uids", filler_uids]
        read_end, write_end = os.pipe()
        argv += ["--ready-fd", str(write_end)]
        started = time.monotonic()
        self.process = subprocess.Popen(argv, pass_fds=[write_end], stdin=subprocess.DEVNULL)
        os.close(write_end)
        try:
            line = _read_line(read_end, ready_timeout)
        finally:
            os.close(read_end)
        self.setup_seconds = time.monotonic() - started
        if not line.startswith("ready "):
            self.stop()
            raise SetupError("busy_host did not get ready (exit %s)" % self.process.poll())
        with open(line.split(" ", 1)[1].strip()) as manifest:
            self.manifest = json.load(manifest)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=300)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def impostor(self):
        return next(s for s in self.manifest["services"] if s["name"] == self.manifest["impostor"])


def _read_line(fd, timeout):
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace")


Run = collections.namedtuple("Run", "seconds maxrss_kib returncode stdout stderr")


def run_measured(spawn_measured, argv, timeout=900):
    """Runs argv through spawn_measured (a small static launcher: a child forked from Python
    would carry the interpreter's RSS as its ru_maxrss) with stdout and stderr in pipes. Wall
    time from fork to wait4, and peak RSS in KiB, as spawn_measured reports them."""
    report_read, report_write = os.pipe()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen([spawn_measured, str(report_write)] + list(argv),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                                   pass_fds=[report_write])
        os.close(report_write)
        try:
            stdout, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, _ = process.communicate()
        report = b""
        while True:
            chunk = os.read(report_read, 4096)
            if not chunk:
                break
            report += chunk
        os.close(report_read)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    fields = report.split()
    if process.returncode != 0 or len(fields) != 3:
        return Run(0.0, 0, 127, stdout.decode(errors="replace"),
                   stderr + "\n(spawn_measured exit %s)" % process.returncode)
    status, maxrss, seconds = int(fields[0]), int(fields[1]), float(fields[2])
    return Run(seconds, maxrss, os.waitstatus_to_exitcode(status),
               stdout.decode(errors="replace"), stderr)


def plugin_argv(plugin, manifest, first_holder):
    """The plugin's command line on the host: the default, complete search, or --first-holder."""
    argv = [plugin, "-vv", "-t", "300"]
    for rule in manifest["rules"]:
        argv += ["-p", rule]
    if first_holder:
        argv.append("--first-holder")
    return argv


# The plugin refuses an allow-list above 1 MiB; the benchmark's file stays just under it.
LARGE_ALLOW_LIST_BYTES = 1024 * 1024 - 4096


def write_large_allow_list(manifest, path, size=LARGE_ALLOW_LIST_BYTES):
    """Writes the host's 12 rules as the first sections, then optional rules (TCP and UDP, ports
    12000-31999, which nothing on the host listens on) with one to three allow entries each, until
    the file is about `size` bytes. Returns (bytes, lines, sections)."""
    chunks = []
    for rule in manifest["rules"]:
        label, _, allowed = rule.partition("=")
        chunks.append("[%s]\n" % label)
        chunks.extend("allow = %s\n" % entry for entry in allowed.split(",") if entry)
    chunks.append("\n# padding: optional rules on ports nothing listens on\n")
    used = sum(len(chunk) for chunk in chunks)
    sections = len(manifest["rules"])
    for index in range(2 * 20000):
        port = 12000 + index // 2
        section = "[%s/%d]\nrequired = no\n" % ("tcp" if index % 2 == 0 else "udp", port)
        section += "".join("allow = exe:/opt/filler/bin/daemon-%d-%d\n" % (port, n)
                           for n in range(1 + index % 3))
        if used + len(section) > size:
            break
        chunks.append(section)
        used += len(section)
        sections += 1
    text = "".join(chunks)
    with open(path, "w") as out:
        out.write(text)
    return len(text.encode()), text.count("\n"), sections


def allow_list_argv(plugin, path):
    return [plugin, "-vv", "-t", "300", "-C", path]


_RULE_LINE = re.compile(r"^(OK|WARNING|CRITICAL|UNKNOWN) ((?:tcp|udp)[46]?/\S+) ")
_HOLDER = re.compile(r"\bpid (\d+) user ")


def read_plugin_output(stdout):
    """(line-1 state, {rule label: (state, [holder pids in order], line)})"""
    lines = stdout.splitlines()
    state = None
    if lines:
        match = re.match(r"PORT_OWNER (OK|WARNING|CRITICAL|UNKNOWN) - ", lines[0])
        state = match.group(1) if match else None
    rules = {}
    for line in lines[1:]:
        match = _RULE_LINE.match(line)
        if match:
            rules[match.group(2)] = (match.group(1), [int(p) for p in _HOLDER.findall(line)],
                                     line)
    return state, rules


def _rule_label(rule):
    return rule.split("=", 1)[0]


def listeners_of_rule(manifest, label):
    proto, ports = label.split("/", 1)
    low, _, high = ports.partition("-")
    low, high = int(low), int(high or low)
    return [listener for listener in manifest["listeners"]
            if listener["proto"].startswith(proto) and low <= listener["port"] <= high]


def check_plugin_output(run, manifest, first_holder):
    """Problems (strings) with one plugin run on the host; empty when it answered right.

    Both modes: exit 2 with CRITICAL naming the impostor on line 1, a line per rule, every
    listener attributed to one of its real holders and nobody else. The default, complete mode:
    every real holder of every listener found."""
    problems = []
    impostor = next(s for s in manifest["services"] if s["name"] == manifest["impostor"])
    if run.returncode != EXPECTED_EXIT:
        problems.append("exit %d, expected %d" % (run.returncode, EXPECTED_EXIT))
    state, rules = read_plugin_output(run.stdout)
    first = run.stdout.splitlines()[0] if run.stdout else ""
    if state != "CRITICAL" or "held by evil (pid %d," % impostor["pid"] not in first:
        problems.append("line 1 does not name the impostor: %r" % first[:300])
    if "holder not identified" in run.stdout or "rules_unattributed=0;" not in first:
        problems.append("a listener was left unattributed")
    if "listeners=%d;" % len(manifest["listeners"]) not in first:
        problems.append("listeners seen differ from the %d on the host" %
                        len(manifest["listeners"]))
    for rule in manifest["rules"]:
        label = _rule_label(rule)
        if label not in rules:
            problems.append("no line for rule %s" % label)
            continue
        problems += _rule_holder_problems(label, set(rules[label][1]),
                                          listeners_of_rule(manifest, label), first_holder)
    return problems


def _rule_holder_problems(label, found, listeners, first_holder):
    """The holders reported on a rule's line (pids) against the real holders of its listeners."""
    problems = []
    expected = set(pid for listener in listeners for pid in listener["holders"])
    if not found <= expected:
        problems.append("%s: reported holders %s are not real holders %s" %
                        (label, sorted(found - expected), sorted(expected)))
    for listener in listeners:
        if not found & set(listener["holders"]):
            problems.append("%s: listener %s:%d has no holder" %
                            (label, listener["address"], listener["port"]))
    if not first_holder and found != expected:
        problems.append("%s: the complete search found %s, the holders are %s" %
                        (label, sorted(found), sorted(expected)))
    return problems


def machine_description():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as meminfo:
        memory_kib = int(meminfo.readline().split()[1])
    return "%d CPUs (%s), %.0f GiB RAM, Linux %s" % (
        os.cpu_count(), model, memory_kib / 1024 / 1024, os.uname().release)


def _spin(iterations):
    total = 0
    for number in range(iterations):
        total += number
    return total


def effective_parallelism(iterations=3_000_000):
    """How many times faster two busy processes finish the same work than one: about 2 on two
    free cores, about 1 when the virtual machine's second CPU is not really there (a shared
    core, a busy host). The plugin's walk uses two threads, ss one, so this moves their ratio."""
    def run(processes):
        started = time.monotonic()
        children = []
        for _ in range(processes):
            pid = os.fork()
            if pid == 0:
                _spin(iterations // processes)
                os._exit(0)
            children.append(pid)
        for pid in children:
            os.waitpid(pid, 0)
        return time.monotonic() - started
    return run(1) / run(2)


def machine_wide_counts():
    """(processes, open fds) on the whole machine: every tool walks all of them."""
    processes = fds = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            processes += 1
            try:
                fds += os.stat("/proc/%s/fd" % name).st_size  # Linux 6.2+: the fd count
            except OSError:
                pass
    return processes, fds
