#!/usr/bin/env python3
"""End-to-end test of check_port_owner under a real monitoring engine (Debian's nagios4-core or
icinga2), started by this script in a temporary directory and stopped by its pid.

    unshare --net python3 engine_e2e.py --engine nagios|icinga2 PLUGIN HOLDER_INTERPRETER

PLUGIN is the check_port_owner binary; HOLDER_INTERPRETER is a Python 3 interpreter. Copies of the
interpreter named `nginx` and `msproxy` hold 0.0.0.0:80 and 0.0.0.0:81 as root, so the plugin
really identifies them by their executable's basename.

The engine runs one host and two services that run check_port_owner every 2 seconds:
  port80-nginx  -p 80=nginx  nginx holds tcp/80    -> OK
  port81-nginx  -p 81=nginx  msproxy holds tcp/81  -> CRITICAL (KB Q261194: the port held by the
                                                      wrong program) and a notification
The engine drops to the `nagios` user as packaged; the plugin is a copy in the temporary directory
with the capabilities the package grants (cap_dac_read_search,cap_sys_ptrace=p) so it can see the
root-owned holders. What the engine recorded (Nagios: status.dat; Icinga 2: the REST API on
127.0.0.1) is then checked: state, first line, long output, perfdata, and the notification that the
engine's notification command wrote to a file.

Must run as root in a private network namespace (it binds ports 80, 81 and 5665 there); it refuses
to run in the initial one. Standard library only. Exit 0 when every assertion holds, 1 otherwise.
"""

import argparse
import base64
import json
import os
import pwd
import select
import shutil
import signal
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

NAGIOS_BINARY = "/usr/sbin/nagios4"
ICINGA2_BINARY = "/usr/sbin/icinga2"
ENGINE_USER = "nagios"  # the user both Debian packages run their daemon as

OK_PORT, CRITICAL_PORT = 80, 81
OK_SERVICE, CRITICAL_SERVICE = "port80-nginx", "port81-nginx"
HOST_NAME = "e2e-host"
API_PORT = 5665
API_USER, API_PASSWORD = "e2e", "e2e-password-not-secret"

# Everything (engine start, first results, notification) must happen within this; the ctest
# TIMEOUT is well above it, so the cleanup in `finally` always runs.
RESULT_DEADLINE_S = 60.0
STARTUP_DEADLINE_S = 30.0

PERFDATA_LABELS = ["rules", "rules_ok", "rules_missing", "rules_unexpected",
                   "rules_unattributed", "listeners", "time"]

# Holds one listening TCP socket until killed; dies with the test driver.
HOLDER_SCRIPT = r"""
import ctypes, os, signal, socket, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[2]):
    sys.exit(1)
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(16)
sys.stdout.write("ready\n")
sys.stdout.flush()
while True:
    signal.pause()
"""

# The notification command of both engines: appends its arguments as one JSON line.
NOTIFY_SCRIPT = """#!{python} -I
import json, sys
with open({path!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps(sys.argv[1:]) + "\\n")
"""

failures = []


def log(message):
    print(f"[engine-e2e {time.strftime('%H:%M:%S')}] {message}", flush=True)


def check(condition, message):
    if condition:
        log(f"ok: {message}")
    else:
        log(f"FAIL: {message}")
        failures.append(message)
    return condition


# ---------------------------------------------------------------------------------------------
# Environment


def require_private_network_namespace():
    if os.geteuid() != 0:
        raise SystemExit("engine_e2e.py must run as root (it binds ports 80 and 81)")
    # A fresh namespace has only a loopback device (/proc/self/net is this process's namespace;
    # /sys/class/net would show the one sysfs was mounted in).
    with open("/proc/self/net/dev", encoding="ascii") as f:
        devices = [line.split(":")[0].strip() for line in f.readlines()[2:]]
    if devices != ["lo"]:
        raise SystemExit(f"engine_e2e.py must run in a private network namespace (devices here: "
                         f"{devices}): unshare --net python3 engine_e2e.py ...")
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def set_plugin_capabilities(path):
    """What the package's postinst does: setcap cap_dac_read_search,cap_sys_ptrace=p PATH.
    Written as the xattr itself (struct vfs_cap_data, revision 2) so libcap2-bin is not needed."""
    cap_dac_read_search, cap_sys_ptrace = 2, 19
    permitted = (1 << cap_dac_read_search) | (1 << cap_sys_ptrace)
    vfs_cap_revision_2 = 0x02000000  # no effective bit: the plugin raises them itself
    os.setxattr(path, "security.capability",
                struct.pack("<5I", vfs_cap_revision_2, permitted, 0, 0, 0))


def make_owned_dir(path, user):
    os.makedirs(path, exist_ok=True)
    os.chown(path, user.pw_uid, user.pw_gid)
    os.chmod(path, 0o755)
    return path


class Processes:
    """Children started by the test, each in its own session, stopped by pid in `stop_all`."""

    def __init__(self):
        self.children = []  # (name, Popen)

    def start(self, name, argv, **kwargs):
        process = subprocess.Popen(argv, start_new_session=True, **kwargs)
        self.children.append((name, process))
        return process

    def stop(self, name, process, grace_s=10.0):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                log(f"{name} (pid {process.pid}) ignored SIGTERM for {grace_s} s: SIGKILL")
                process.kill()
                process.wait(timeout=5)
        # Anything the child left in its session (engine workers, running checks): by the pgid,
        # which is the child's own pid since it was started with start_new_session.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop_all(self):
        for name, process in reversed(self.children):
            try:
                self.stop(name, process)
            except Exception as error:  # keep stopping the others
                log(f"stopping {name} (pid {process.pid}): {error}")
        self.children.clear()


def start_holder(processes, interpreter_copy, port):
    process = processes.start(
        os.path.basename(interpreter_copy),
        [interpreter_copy, "-I", "-c", HOLDER_SCRIPT, str(port), str(os.getpid())],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    ready, _, _ = select.select([process.stdout], [], [], 10)
    line = process.stdout.readline().decode() if ready else ""
    if line.strip() != "ready":
        raise SystemExit(f"{interpreter_copy} did not get ready on port {port} "
                         f"(exit {process.poll()})")
    log(f"{os.path.basename(interpreter_copy)} (pid {process.pid}) holds 0.0.0.0:{port}")
    return process


def wait_until(deadline, probe, what, interval=0.5):
    """Calls probe() until it returns a true value or the deadline (a time.monotonic()) passes."""
    last = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            log(f"gave up waiting for {what}")
            return last
        time.sleep(interval)


class RepeatedResults:
    """Tells when every service has a check result newer than the first one seen: the engine
    runs the check periodically, and the values asserted come from a repeated run."""

    def __init__(self, services):
        self.first = {name: None for name in services}

    def all_repeated(self, stamps):
        """stamps: {service: timestamp of its latest check result, or None}."""
        repeated = True
        for name in self.first:
            stamp = stamps.get(name)
            if self.first[name] is None:
                self.first[name] = stamp
            if stamp is None or stamp == self.first[name]:
                repeated = False
        return repeated


def session_users(session_id):
    """{pid: (comm, real uid, effective uid)} of the processes in a session, e.g. an engine's."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as f:
                stat = f.read()
            with open(f"/proc/{entry}/status", encoding="utf-8", errors="replace") as f:
                uids = next(line for line in f if line.startswith("Uid:")).split()[1:3]
        except (OSError, StopIteration):
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == session_id:
            found[int(entry)] = (comm, int(uids[0]), int(uids[1]))
    return found


def check_engine_user(engine, session_id):
    """The engine dropped to the packaged user, so the plugin runs unprivileged (with the file
    capabilities) as it would in production."""
    uid = pwd.getpwnam(ENGINE_USER).pw_uid
    processes = session_users(session_id)
    check(processes and all(euid == uid for _, _, euid in processes.values()),
          f"{engine}: every process of the engine runs as {ENGINE_USER} (uid {uid}): {processes}")


def tail(path, lines=40):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as error:
        return f"({path}: {error})"


# ---------------------------------------------------------------------------------------------
# Plugin output as an engine recorded it


def parse_perfdata(items):
    """items: perfdata tokens `label=value[uom];warn;crit;min;max`. Returns {label: dict}."""
    parsed = {}
    for item in items:
        label, _, rest = item.partition("=")
        fields = rest.split(";")
        value_text = fields[0]
        number_end = len(value_text)
        while number_end and not (value_text[number_end - 1].isdigit()):
            number_end -= 1
        parsed[label] = {
            "value": float(value_text[:number_end]),
            "uom": value_text[number_end:],
            "warn": fields[1] if len(fields) > 1 else "",
            "crit": fields[2] if len(fields) > 2 else "",
            "min": fields[3] if len(fields) > 3 else "",
            "max": fields[4] if len(fields) > 4 else "",
            "raw": item,
        }
    return parsed


def icinga_perfdata_items(values):
    """Icinga 2 keeps perfdata as strings, or as PerfdataValue dictionaries when normalised."""
    items = []
    for value in values or []:
        if isinstance(value, dict):
            def text(key):
                v = value.get(key)
                return "" if v is None else format_number(v)
            items.append(f"{value['label']}={format_number(value['value'])}{value.get('unit') or ''}"
                         f";{text('warn')};{text('crit')};{text('min')};{text('max')}")
        else:
            items.append(str(value))
    return items


def format_number(value):
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def check_recorded(engine, recorded, holders):
    """recorded: {service: {"state", "first_line", "long_lines", "perfdata_items"}}."""
    nginx, msproxy = holders["nginx"], holders["msproxy"]

    for service, expected_state in ((OK_SERVICE, 0), (CRITICAL_SERVICE, 2)):
        result = recorded[service]
        check(result["state"] == expected_state,
              f"{engine} {service}: state {result['state']}, expected {expected_state}")
        for line in [result["first_line"]] + result["long_lines"]:
            check("|" not in line and "\r" not in line,
                  f"{engine} {service}: no '|' or CR left in the text line {line!r}")
        perfdata = parse_perfdata(result["perfdata_items"])
        check(list(perfdata) == PERFDATA_LABELS,
              f"{engine} {service}: perfdata labels {list(perfdata)} == {PERFDATA_LABELS}")
        for label, item in perfdata.items():
            expected_uom = "s" if label == "time" else ""
            check(item["uom"] == expected_uom and item["min"] == "0" and item["value"] >= 0,
                  f"{engine} {service}: perfdata {item['raw']!r} has unit {expected_uom!r}, min 0")
        result["perfdata"] = perfdata

    ok = recorded[OK_SERVICE]
    check(ok["first_line"].startswith("PORT_OWNER OK - "),
          f"{engine} {OK_SERVICE}: first line {ok['first_line']!r} begins 'PORT_OWNER OK - '")
    ok_line = f"OK tcp/{OK_PORT} 0.0.0.0: nginx pid {nginx['pid']} user root exe {nginx['exe']}"
    check(any(line.startswith(ok_line) for line in ok["long_lines"]),
          f"{engine} {OK_SERVICE}: long output {ok['long_lines']!r} has {ok_line!r}")
    expected_counts = {"rules": 1, "rules_ok": 1, "rules_missing": 0, "rules_unexpected": 0,
                       "rules_unattributed": 0, "listeners": 1}
    counts = {k: ok["perfdata"][k]["value"] for k in expected_counts if k in ok["perfdata"]}
    check(counts == expected_counts, f"{engine} {OK_SERVICE}: perfdata counts {counts}")

    critical = recorded[CRITICAL_SERVICE]
    first = (f"PORT_OWNER CRITICAL - tcp/{CRITICAL_PORT} held by msproxy "
             f"(pid {msproxy['pid']}, user root), expected nginx")
    check(critical["first_line"] == first,
          f"{engine} {CRITICAL_SERVICE}: first line {critical['first_line']!r} == {first!r}")
    critical_line = (f"CRITICAL tcp/{CRITICAL_PORT} 0.0.0.0: msproxy pid {msproxy['pid']} "
                     f"user root exe {msproxy['exe']}")
    check(any(line.startswith(critical_line) and line.endswith("(allowed: nginx)")
              for line in critical["long_lines"]),
          f"{engine} {CRITICAL_SERVICE}: long output {critical['long_lines']!r} has "
          f"{critical_line + ' ... (allowed: nginx)'!r}")
    expected_counts = {"rules": 1, "rules_ok": 0, "rules_missing": 0, "rules_unexpected": 1,
                       "rules_unattributed": 0, "listeners": 1}
    counts = {k: critical["perfdata"][k]["value"] for k in expected_counts
              if k in critical["perfdata"]}
    check(counts == expected_counts, f"{engine} {CRITICAL_SERVICE}: perfdata counts {counts}")


def read_notifications(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def check_notifications(engine, records, msproxy_pid):
    """records: [type, host, service, state, output...] as the notification command got them."""
    critical = [r for r in records if len(r) >= 5 and r[2] == CRITICAL_SERVICE]
    check(len(critical) == 1, f"{engine}: one notification for {CRITICAL_SERVICE} was written, "
                              f"not repeated on the next check (records: {records!r})")
    for record in critical[:1]:
        check(record[0].upper() == "PROBLEM" and record[1] == HOST_NAME
              and record[3] == "CRITICAL",
              f"{engine}: the notification is a PROBLEM, CRITICAL one for {HOST_NAME}: {record!r}")
        check(f"held by msproxy (pid {msproxy_pid}, user root), expected nginx" in record[4],
              f"{engine}: the notification carries the culprit in its output: {record[4]!r}")
    check(not [r for r in records if len(r) >= 3 and r[2] == OK_SERVICE],
          f"{engine}: no notification for {OK_SERVICE}")


# ---------------------------------------------------------------------------------------------
# Nagios 4


def run_nagios(workdir, plugin, notify, notifications_file, processes, holders):
    user = pwd.getpwnam(ENGINE_USER)
    home = make_owned_dir(os.path.join(workdir, "nagios"), user)
    for sub in ("checkresults", "tmp", "archives"):
        make_owned_dir(os.path.join(home, sub), user)
    cfg = os.path.join(home, "nagios.cfg")
    objects = os.path.join(home, "objects.cfg")
    status_file = os.path.join(home, "status.dat")

    settings = {
        "log_file": f"{home}/nagios.log",
        "cfg_file": objects,
        "object_cache_file": f"{home}/objects.cache",
        "precached_object_file": f"{home}/objects.precache",
        "status_file": status_file,
        "status_update_interval": "1",
        "nagios_user": ENGINE_USER,
        "nagios_group": ENGINE_USER,
        "check_external_commands": "0",
        "command_file": f"{home}/nagios.cmd",
        "lock_file": f"{home}/nagios.lock",
        "temp_file": f"{home}/nagios.tmp",
        "temp_path": f"{home}/tmp",
        "check_result_path": f"{home}/checkresults",
        "query_socket": f"{home}/nagios.qh",
        "debug_file": f"{home}/nagios.debug",
        "debug_level": "0",
        "log_archive_path": f"{home}/archives",
        "log_rotation_method": "n",
        "state_retention_file": f"{home}/retention.dat",
        "retain_state_information": "0",
        "use_retained_program_state": "0",
        "use_syslog": "0",
        "log_notifications": "1",
        "log_service_retries": "1",
        "log_initial_states": "1",
        "interval_length": "1",  # check_interval counts seconds
        "service_inter_check_delay_method": "n",
        "host_inter_check_delay_method": "n",
        "max_service_check_spread": "1",
        "max_host_check_spread": "1",
        "check_result_reaper_frequency": "1",
        "max_check_result_reaper_time": "2",
        "service_check_timeout": "30",
        "enable_notifications": "1",
        "execute_service_checks": "1",
        "execute_host_checks": "1",
        "enable_flap_detection": "0",
        "process_performance_data": "0",
        "enable_environment_macros": "0",
        "check_for_updates": "0",
        "bare_update_check": "0",
        "daemon_dumps_core": "0",
        "illegal_macro_output_chars": "`~$&|'\"<>",
    }
    with open(cfg, "w", encoding="utf-8") as f:
        f.writelines(f"{key}={value}\n" for key, value in settings.items())

    week = "\n".join(f"  {day} 00:00-24:00" for day in
                     ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
                      "saturday"))
    service_common = f"""  host_name {HOST_NAME}
  check_interval 2
  retry_interval 2
  max_check_attempts 1
  check_period e2e-always
  active_checks_enabled 1
  passive_checks_enabled 0
  notifications_enabled 1
  notification_period e2e-always
  notification_options w,u,c,r
  notification_interval 0
  first_notification_delay 0
  contacts e2e
"""
    with open(objects, "w", encoding="utf-8") as f:
        f.write(f"""define timeperiod {{
  timeperiod_name e2e-always
  alias always
{week}
}}
define command {{
  command_name e2e-host-up
  command_line /bin/true
}}
define command {{
  command_name e2e-notify
  command_line {notify} "$NOTIFICATIONTYPE$" "$HOSTNAME$" "$SERVICEDESC$" "$SERVICESTATE$" "$SERVICEOUTPUT$" "$LONGSERVICEOUTPUT$"
}}
define command {{
  command_name check_port_owner
  command_line {plugin} -p '$ARG1$'
}}
define contact {{
  contact_name e2e
  alias e2e
  host_notifications_enabled 1
  service_notifications_enabled 1
  host_notification_period e2e-always
  service_notification_period e2e-always
  host_notification_options d,u,r
  service_notification_options w,u,c,r
  host_notification_commands e2e-notify
  service_notification_commands e2e-notify
}}
define host {{
  host_name {HOST_NAME}
  alias {HOST_NAME}
  address 127.0.0.1
  check_command e2e-host-up
  check_interval 300
  retry_interval 1
  max_check_attempts 1
  check_period e2e-always
  notification_period e2e-always
  notification_interval 0
  contacts e2e
}}
define service {{
  service_description {OK_SERVICE}
  check_command check_port_owner!{OK_PORT}=nginx
{service_common}}}
define service {{
  service_description {CRITICAL_SERVICE}
  check_command check_port_owner!{CRITICAL_PORT}=nginx
{service_common}}}
""")

    verify = subprocess.run([NAGIOS_BINARY, "-v", cfg], capture_output=True, text=True,
                            timeout=30)
    if not check(verify.returncode == 0, "nagios4 -v accepts the configuration"):
        log(verify.stdout + verify.stderr)
        return

    console = os.path.join(home, "console.log")
    with open(console, "wb") as out:
        nagios = processes.start("nagios4", [NAGIOS_BINARY, cfg], stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT)
    log(f"nagios4 started, pid {nagios.pid}")

    deadline = time.monotonic() + RESULT_DEADLINE_S
    repeated = RepeatedResults((OK_SERVICE, CRITICAL_SERVICE))

    def probe():
        if nagios.poll() is not None:
            return "exited"
        services = read_status_dat(status_file)
        stamps = {name: status.get("last_check") for name, status in services.items()
                  if status.get("has_been_checked") == "1"}
        done = repeated.all_repeated(stamps)
        notified = any(len(r) >= 3 and r[2] == CRITICAL_SERVICE
                       for r in read_notifications(notifications_file))
        return services if done and notified else None

    services = wait_until(deadline, probe, "Nagios to check both services twice and notify")
    if not check(isinstance(services, dict), "Nagios checked both services twice and sent a "
                                             f"notification within {RESULT_DEADLINE_S:.0f} s"):
        log(f"nagios4 exit status: {nagios.poll()}\n--- console\n{tail(console)}"
            f"--- nagios.log\n{tail(os.path.join(home, 'nagios.log'))}")
        services = read_status_dat(status_file)
        if not all(name in services for name in (OK_SERVICE, CRITICAL_SERVICE)):
            return

    check_engine_user("nagios", nagios.pid)
    recorded = {}
    for name in (OK_SERVICE, CRITICAL_SERVICE):
        status = services[name]
        log(f"status.dat {name}: current_state={status.get('current_state')} "
            f"plugin_output={status.get('plugin_output')!r} "
            f"long_plugin_output={status.get('long_plugin_output')!r} "
            f"performance_data={status.get('performance_data')!r}")
        long_output = status.get("long_plugin_output", "")
        recorded[name] = {
            "state": int(status.get("current_state", -1)),
            "first_line": status.get("plugin_output", ""),
            "long_lines": long_output.split("\n") if long_output else [],
            "perfdata_items": status.get("performance_data", "").split(),
        }
        check(status.get("state_type") == "1", f"nagios {name}: the state is HARD")
    check(services[CRITICAL_SERVICE].get("current_notification_number", "0") != "0",
          f"nagios {CRITICAL_SERVICE}: status.dat counts the notification "
          f"(current_notification_number={services[CRITICAL_SERVICE].get('current_notification_number')})")
    check_recorded("nagios", recorded, holders)
    check_notifications("nagios", read_notifications(notifications_file), holders["msproxy"]["pid"])
    log_text = tail(os.path.join(home, "nagios.log"), 200)
    check(f"SERVICE NOTIFICATION: e2e;{HOST_NAME};{CRITICAL_SERVICE};CRITICAL;e2e-notify;"
          in log_text, "nagios.log records the SERVICE NOTIFICATION through e2e-notify")


def unescape_status_value(value):
    """status.dat escapes `\\` and newlines in long_plugin_output (and plugin_output)."""
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append({"n": "\n", "\\": "\\", "t": "\t"}.get(value[i + 1], "\\" + value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def read_status_dat(path):
    """Returns {service_description: {key: value}} for the servicestatus blocks of status.dat."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return {}
    services, block = {}, None
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.endswith("{"):
            block = {} if stripped.startswith("servicestatus") else None
        elif stripped == "}":
            if block is not None and "service_description" in block:
                services[block["service_description"]] = block
            block = None
        elif block is not None and "=" in stripped:
            key, _, value = line.lstrip("\t").partition("=")
            block[key] = unescape_status_value(value) if key.endswith("output") else value
    return services


# ---------------------------------------------------------------------------------------------
# Icinga 2


def run_icinga2(workdir, plugin, notify, notifications_file, processes, holders):
    user = pwd.getpwnam(ENGINE_USER)
    home = make_owned_dir(os.path.join(workdir, "icinga2"), user)
    dirs = {name: make_owned_dir(os.path.join(home, name), user)
            for name in ("data", "log", "cache", "run", "spool")}
    node = "e2e-node"
    env = dict(os.environ, ICINGA2_USER=ENGINE_USER, ICINGA2_GROUP=ENGINE_USER)
    defines = [f"-DDataDir={dirs['data']}", f"-DLogDir={dirs['log']}",
               f"-DCacheDir={dirs['cache']}", f"-DInitRunDir={dirs['run']}",
               f"-DSpoolDir={dirs['spool']}", f"-DNodeName={node}"]

    # Where the ApiListener looks by default (DataDir/certs/NodeName.{crt,key} and ca.crt): a
    # self-signed certificate that is its own CA.
    certs = make_owned_dir(os.path.join(dirs["data"], "certs"), user)
    cert, key = os.path.join(certs, f"{node}.crt"), os.path.join(certs, f"{node}.key")
    new_cert = subprocess.run([ICINGA2_BINARY, "pki", "new-cert", "--cn", node, "--key", key,
                               "--cert", cert], capture_output=True, text=True, timeout=30,
                              env=env)
    if not check(new_cert.returncode == 0 and os.path.exists(cert),
                 "icinga2 pki new-cert made a self-signed API certificate"):
        log(new_cert.stdout + new_cert.stderr)
        return
    shutil.copyfile(cert, os.path.join(certs, "ca.crt"))

    conf = os.path.join(home, "icinga2.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"""// check_port_owner engine test: a standalone node, nothing from /etc/icinga2.
object Endpoint NodeName {{ }}
object Zone NodeName {{ endpoints = [ NodeName ] }}

object FileLogger "e2e-log" {{
  path = LogDir + "/icinga2.log"
  severity = "notice"
}}
object CheckerComponent "checker" {{ }}
object NotificationComponent "notification" {{ enable_ha = false }}
object ApiListener "api" {{
  bind_host = "127.0.0.1"
  bind_port = {API_PORT}
  accept_config = false
  accept_commands = false
}}
object ApiUser {json.dumps(API_USER)} {{
  password = {json.dumps(API_PASSWORD)}
  permissions = [ "status/query", "objects/query/Service", "objects/query/Notification" ]
}}

object CheckCommand "e2e-host-up" {{ command = [ "/bin/true" ] }}
object CheckCommand "e2e-port-owner" {{
  command = [ {json.dumps(plugin)} ]
  arguments = {{
    "--port" = {{
      value = "$port_owner_port$"
      repeat_key = true
      description = "rule [PROTO/][ADDR:]PORT[-PORT][=ALLOW[,ALLOW...]]"
    }}
  }}
}}
object NotificationCommand "e2e-notify" {{
  command = [ {json.dumps(notify)}, "$notification.type$", "$host.name$", "$service.name$",
              "$service.state$", "$service.output$" ]
}}
object User "e2e" {{ enable_notifications = true }}

object Host {json.dumps(HOST_NAME)} {{
  check_command = "e2e-host-up"
  check_interval = 5m
  max_check_attempts = 1
}}
template Service "e2e-port-owner-service" {{
  host_name = {json.dumps(HOST_NAME)}
  check_command = "e2e-port-owner"
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
  enable_notifications = true
}}
object Service {json.dumps(OK_SERVICE)} {{
  import "e2e-port-owner-service"
  vars.port_owner_port = [ "{OK_PORT}=nginx" ]
}}
object Service {json.dumps(CRITICAL_SERVICE)} {{
  import "e2e-port-owner-service"
  vars.port_owner_port = [ "{CRITICAL_PORT}=nginx" ]
}}
apply Notification "e2e-file" to Service {{
  command = "e2e-notify"
  users = [ "e2e" ]
  interval = 0
  assign where host.name == {json.dumps(HOST_NAME)}
}}
""")

    validate = subprocess.run([ICINGA2_BINARY, "daemon", "-C", "-c", conf] + defines,
                              capture_output=True, text=True, timeout=30, env=env)
    if not check(validate.returncode == 0, "icinga2 daemon -C accepts the configuration"):
        log(validate.stdout + validate.stderr)
        return

    console = os.path.join(home, "console.log")
    with open(console, "wb") as out:
        icinga = processes.start("icinga2", [ICINGA2_BINARY, "daemon", "-c", conf] + defines,
                                 stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=subprocess.STDOUT, env=env)
    log(f"icinga2 daemon started, pid {icinga.pid}")

    context = ssl.create_default_context(cafile=cert)
    context.check_hostname = False  # the certificate names the node, not 127.0.0.1
    auth = base64.b64encode(f"{API_USER}:{API_PASSWORD}".encode()).decode()

    def api(path):
        request = urllib.request.Request(
            f"https://127.0.0.1:{API_PORT}{path}",
            headers={"Accept": "application/json", "Authorization": f"Basic {auth}"})
        with urllib.request.urlopen(request, context=context, timeout=5) as response:
            return json.load(response)

    services_path = ("/v1/objects/services?attrs=name&attrs=state&attrs=state_type"
                     "&attrs=last_check_result&attrs=last_hard_state")
    startup_deadline = time.monotonic() + STARTUP_DEADLINE_S
    deadline = time.monotonic() + RESULT_DEADLINE_S
    api_errors = []

    def probe_api():
        if icinga.poll() is not None:
            return "exited"
        try:
            return api("/v1/status/IcingaApplication")
        except (OSError, urllib.error.URLError, ValueError) as error:
            api_errors[:] = [repr(error)]
            return None

    up = wait_until(startup_deadline, probe_api, "the Icinga 2 API")
    if not check(isinstance(up, dict), "the Icinga 2 API answers on 127.0.0.1 within "
                                       f"{STARTUP_DEADLINE_S:.0f} s"):
        log(f"icinga2 exit status: {icinga.poll()}; last API error: {api_errors}\n"
            f"--- console\n{tail(console)}")
        return

    repeated = RepeatedResults((OK_SERVICE, CRITICAL_SERVICE))

    def probe():
        if icinga.poll() is not None:
            return "exited"
        try:
            results = api(services_path)["results"]
        except (OSError, urllib.error.URLError, ValueError) as error:
            api_errors[:] = [repr(error)]
            return None
        by_name = {r["attrs"]["name"]: r["attrs"] for r in results}
        stamps = {name: (attrs.get("last_check_result") or {}).get("execution_end")
                  for name, attrs in by_name.items()}
        done = repeated.all_repeated(stamps)
        notified = any(len(r) >= 3 and r[2] == CRITICAL_SERVICE
                       for r in read_notifications(notifications_file))
        return by_name if done and notified else None

    services = wait_until(deadline, probe, "Icinga 2 to check both services twice and notify")
    if not check(isinstance(services, dict), "Icinga 2 checked both services twice and sent a "
                                             f"notification within {RESULT_DEADLINE_S:.0f} s"):
        log(f"icinga2 exit status: {icinga.poll()}; last API error: {api_errors}\n"
            f"--- console\n{tail(console)}--- icinga2.log\n"
            f"{tail(os.path.join(dirs['log'], 'icinga2.log'))}")
        try:
            services = {r["attrs"]["name"]: r["attrs"] for r in api(services_path)["results"]}
        except (OSError, urllib.error.URLError, ValueError):
            return
        if not all(services.get(name, {}).get("last_check_result")
                   for name in (OK_SERVICE, CRITICAL_SERVICE)):
            return

    check_engine_user("icinga2", icinga.pid)
    recorded = {}
    for name in (OK_SERVICE, CRITICAL_SERVICE):
        attrs = services[name]
        result = attrs["last_check_result"]
        log(f"API {name}: state={attrs['state']} state_type={attrs['state_type']} "
            f"exit_status={result.get('exit_status')} output={result.get('output')!r} "
            f"performance_data={result.get('performance_data')!r}")
        lines = (result.get("output") or "").split("\n")
        recorded[name] = {
            "state": int(attrs["state"]),
            # Icinga 2 cuts line 1 at the `|` and keeps the blank before it (`... nginx \n...`).
            "first_line": lines[0].rstrip(" "),
            "long_lines": lines[1:],
            "perfdata_items": icinga_perfdata_items(result.get("performance_data")),
        }
        check(int(attrs["state_type"]) == 1, f"icinga2 {name}: the state is HARD")
        check(int(result.get("exit_status", -1)) == int(attrs["state"]),
              f"icinga2 {name}: exit_status {result.get('exit_status')} gives the state")
        command = result.get("command") or []
        check(command[:1] == [plugin], f"icinga2 {name}: the check ran {plugin} ({command!r})")
    check_recorded("icinga2", recorded, holders)
    for name in (OK_SERVICE, CRITICAL_SERVICE):
        check_icinga_perfdata_parse(name, recorded[name]["perfdata_items"], env)
    check_notifications("icinga2", read_notifications(notifications_file),
                        holders["msproxy"]["pid"])
    try:
        notifications = api("/v1/objects/notifications?attrs=name&attrs=host_name"
                            "&attrs=service_name&attrs=notification_number")["results"]
        numbers = {n["attrs"]["service_name"]: n["attrs"]["notification_number"]
                   for n in notifications}
    except (OSError, urllib.error.URLError, ValueError) as error:
        numbers = {"error": repr(error)}
    check(numbers.get(CRITICAL_SERVICE, 0) >= 1,
          f"icinga2: the API counts the notification of {CRITICAL_SERVICE} ({numbers})")


def check_icinga_perfdata_parse(service, items, env):
    """Icinga 2's own perfdata parser (PerfdataValue::Parse, as the perfdata writers use it) must
    read every item: the label, the value, `s` as seconds, min 0, no warn/crit."""
    script = f"var r = []; for (p in {json.dumps(items)}) {{ r.add(parse_performance_data(p)) }}; r"
    run = subprocess.run([ICINGA2_BINARY, "console", "--eval", script], capture_output=True,
                         text=True, timeout=30, env=env)
    try:
        parsed = json.loads(run.stdout)
    except ValueError:
        check(False, f"icinga2 {service}: parse_performance_data reads {items!r}: "
                     f"{(run.stdout + run.stderr).strip()!r}")
        return
    summary = [(p["label"], p["value"], p["unit"], p["min"], p["warn"], p["crit"])
               for p in parsed]
    check([p[0] for p in summary] == PERFDATA_LABELS
          and all(p[2] == ("seconds" if p[0] == "time" else "") and p[3] == 0
                  and p[4] is None and p[5] is None for p in summary),
          f"icinga2 {service}: parse_performance_data reads every item: {summary}")


# ---------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("nagios", "icinga2"), required=True)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("plugin", help="the check_port_owner binary")
    parser.add_argument("holder_interpreter", help="a Python 3 interpreter, copied as the holders")
    args = parser.parse_args()

    engine_binary = NAGIOS_BINARY if args.engine == "nagios" else ICINGA2_BINARY
    if not os.access(engine_binary, os.X_OK):
        package = "nagios4-core" if args.engine == "nagios" else "icinga2-bin icinga2-common"
        raise SystemExit(f"{engine_binary} is missing: apt-get install {package}")
    require_private_network_namespace()
    started = time.monotonic()

    # In /tmp whatever TMPDIR says: the engine's user must reach the configuration and run the
    # binaries in it, which a private TMPDIR (under /root, say) would not allow.
    workdir = tempfile.mkdtemp(prefix=f"engine-e2e-{args.engine}-", dir="/tmp")
    os.chmod(workdir, 0o755)
    processes = Processes()
    previous_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    try:
        bin_dir = os.path.join(workdir, "bin")
        os.mkdir(bin_dir, 0o755)
        plugin = os.path.join(bin_dir, "check_port_owner")
        shutil.copyfile(args.plugin, plugin)
        os.chmod(plugin, 0o755)
        set_plugin_capabilities(plugin)

        interpreter = os.path.realpath(args.holder_interpreter)
        holders = {}
        for name, port in (("nginx", OK_PORT), ("msproxy", CRITICAL_PORT)):
            exe = os.path.join(bin_dir, name)
            shutil.copyfile(interpreter, exe)
            os.chmod(exe, 0o755)
            holders[name] = {"pid": start_holder(processes, exe, port).pid, "exe": exe}

        notifications_file = os.path.join(workdir, "notifications.jsonl")
        user = pwd.getpwnam(ENGINE_USER)
        with open(notifications_file, "w"):
            pass
        os.chown(notifications_file, user.pw_uid, user.pw_gid)
        notify = os.path.join(bin_dir, "notify")
        with open(notify, "w", encoding="utf-8") as f:
            f.write(NOTIFY_SCRIPT.format(python=interpreter, path=notifications_file))
        os.chmod(notify, 0o755)

        # What the engine should see, straight from the plugin (as root, for the log only).
        direct = subprocess.run([plugin, "-p", f"{OK_PORT}=nginx", "-p", f"{CRITICAL_PORT}=nginx"],
                                capture_output=True, text=True, timeout=15)
        log(f"direct run, exit {direct.returncode}:\n{direct.stdout}{direct.stderr}")

        run = run_nagios if args.engine == "nagios" else run_icinga2
        run(workdir, plugin, notify, notifications_file, processes, holders)
    finally:
        processes.stop_all()
        signal.signal(signal.SIGTERM, previous_term)
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    elapsed = time.monotonic() - started
    if failures:
        log(f"{len(failures)} assertion(s) failed after {elapsed:.1f} s:")
        for failure in failures:
            log(f"  - {failure}")
        return 1
    log(f"all assertions held for {args.engine} ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
