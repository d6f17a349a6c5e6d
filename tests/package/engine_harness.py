"""Small helpers shared by the tests of tests/package/: a config check with `nagios4 -v`, an
Icinga 2 config check with `icinga2 daemon -C`, and an Icinga 2 daemon started in a temporary
directory whose check results are read back through its REST API on 127.0.0.1.

Process handling and small utilities come from tests/engines/engine_e2e.py, imported by path
(it is not modified). Standard library only.
"""

import base64
import importlib.util
import json
import os
import pwd
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "engine_e2e", os.path.join(HERE, "..", "engines", "engine_e2e.py"))
engine_e2e = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(engine_e2e)

Processes = engine_e2e.Processes
make_owned_dir = engine_e2e.make_owned_dir
wait_until = engine_e2e.wait_until
tail = engine_e2e.tail

NAGIOS_BINARY = engine_e2e.NAGIOS_BINARY
ICINGA2_BINARY = engine_e2e.ICINGA2_BINARY
ENGINE_USER = engine_e2e.ENGINE_USER
API_PORT = 5665
API_USER, API_PASSWORD = "package-test", "package-test-password-not-secret"


class Checks:
    """Collects assertion results; a test fails when any failed."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.failures = []

    def log(self, message):
        print(f"[{self.prefix} {time.strftime('%H:%M:%S')}] {message}", flush=True)

    def check(self, condition, message, detail=None):
        if condition:
            self.log(f"ok: {message}")
        else:
            self.log(f"FAIL: {message}")
            if detail:
                self.log(detail)
            self.failures.append(message)
        return condition

    def summary(self):
        if self.failures:
            self.log(f"{len(self.failures)} assertion(s) failed:")
            for failure in self.failures:
                self.log(f"  - {failure}")
            return 1
        self.log("all assertions held")
        return 0


# ---------------------------------------------------------------------------------------------
# Nagios 4

# Objects named as in Debian's /etc/nagios4/objects/*.cfg, so the examples that `use` them
# validate without the machine's own configuration.
NAGIOS_BASE_OBJECTS = """
define timeperiod {
	timeperiod_name	24x7
	alias		24x7
	sunday		00:00-24:00
	monday		00:00-24:00
	tuesday		00:00-24:00
	wednesday	00:00-24:00
	thursday	00:00-24:00
	friday		00:00-24:00
	saturday	00:00-24:00
	}
define command {
	command_name	check-host-alive
	command_line	/bin/true
	}
define command {
	command_name	notify-by-nothing
	command_line	/bin/true
	}
define command {
	command_name	check_nrpe
	command_line	$USER1$/check_nrpe -H '$HOSTADDRESS$' -c '$ARG1$'
	}
define contact {
	contact_name			nagiosadmin
	alias				Nagios Admin
	host_notification_period	24x7
	service_notification_period	24x7
	host_notification_options	d,u,r
	service_notification_options	w,u,c,r
	host_notification_commands	notify-by-nothing
	service_notification_commands	notify-by-nothing
	}
define contactgroup {
	contactgroup_name	admins
	alias			Admins
	members			nagiosadmin
	}
define host {
	name			linux-server
	check_command		check-host-alive
	check_period		24x7
	check_interval		5
	retry_interval		1
	max_check_attempts	10
	notification_period	24x7
	notification_interval	120
	notification_options	d,u,r
	contact_groups		admins
	register		0
	}
define service {
	name			generic-service
	check_period		24x7
	max_check_attempts	3
	check_interval		10
	retry_interval		2
	notification_interval	60
	notification_period	24x7
	notification_options	w,u,c,r
	contact_groups		admins
	register		0
	}
define host {
	use		linux-server
	host_name	localhost
	alias		localhost
	address		127.0.0.1
	}
"""


def nagios_verify(workdir, object_files, plugin_dir="/usr/lib/nagios/plugins", timeout=30):
    """Runs `nagios4 -v` over a minimal nagios.cfg that reads NAGIOS_BASE_OBJECTS and
    object_files, with $USER1$ = plugin_dir. Returns the CompletedProcess."""
    user = pwd.getpwnam(ENGINE_USER)
    os.makedirs(workdir, mode=0o755, exist_ok=True)
    home = make_owned_dir(os.path.join(workdir, "nagios"), user)
    make_owned_dir(os.path.join(home, "checkresults"), user)
    base = os.path.join(home, "base-objects.cfg")
    with open(base, "w", encoding="utf-8") as f:
        f.write(NAGIOS_BASE_OBJECTS)
    resource = os.path.join(home, "resource.cfg")
    with open(resource, "w", encoding="utf-8") as f:
        f.write(f"$USER1$={plugin_dir}\n")
    cfg = os.path.join(home, "nagios.cfg")
    with open(cfg, "w", encoding="utf-8") as f:
        f.write(f"log_file={home}/nagios.log\n")
        f.write(f"resource_file={resource}\n")
        f.write(f"cfg_file={base}\n")
        for path in object_files:
            f.write(f"cfg_file={path}\n")
        for key, value in (("object_cache_file", "objects.cache"), ("status_file", "status.dat"),
                           ("lock_file", "nagios.lock"), ("temp_file", "nagios.tmp"),
                           ("command_file", "nagios.cmd"), ("query_socket", "nagios.qh"),
                           ("state_retention_file", "retention.dat"),
                           ("check_result_path", "checkresults")):
            f.write(f"{key}={home}/{value}\n")
        f.write(f"nagios_user={ENGINE_USER}\nnagios_group={ENGINE_USER}\n"
                "check_external_commands=0\nuse_syslog=0\ncheck_for_updates=0\n"
                "illegal_macro_output_chars=`~$&|'\"<>\n")
    return subprocess.run([NAGIOS_BINARY, "-v", cfg], capture_output=True, text=True,
                          timeout=timeout)


# ---------------------------------------------------------------------------------------------
# Icinga 2


class Icinga2:
    """An Icinga 2 node in workdir/icinga2, running as the nagios user, nothing from
    /etc/icinga2. `body` is the configuration after the constants and the ApiListener."""

    def __init__(self, workdir, node="package-test-node"):
        self.user = pwd.getpwnam(ENGINE_USER)
        self.home = make_owned_dir(os.path.join(workdir, "icinga2"), self.user)
        self.dirs = {name: make_owned_dir(os.path.join(self.home, name), self.user)
                     for name in ("data", "log", "cache", "run", "spool")}
        self.node = node
        self.env = dict(os.environ, ICINGA2_USER=ENGINE_USER, ICINGA2_GROUP=ENGINE_USER)
        self.defines = [f"-DDataDir={self.dirs['data']}", f"-DLogDir={self.dirs['log']}",
                        f"-DCacheDir={self.dirs['cache']}", f"-DInitRunDir={self.dirs['run']}",
                        f"-DSpoolDir={self.dirs['spool']}", f"-DNodeName={node}"]
        self.conf = os.path.join(self.home, "icinga2.conf")
        self.process = None
        self.cert = None

    def write_config(self, body, api=False):
        api_text = ""
        if api:
            api_text = f"""
object ApiListener "api" {{
  bind_host = "127.0.0.1"
  bind_port = {API_PORT}
  accept_config = false
  accept_commands = false
}}
object ApiUser {json.dumps(API_USER)} {{
  password = {json.dumps(API_PASSWORD)}
  permissions = [ "status/query", "objects/query/Service", "objects/query/CheckCommand" ]
}}
"""
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""// check_port_owner package test: a standalone node, nothing from /etc/icinga2.
object Endpoint NodeName {{ }}
object Zone NodeName {{ endpoints = [ NodeName ] }}
object FileLogger "package-test-log" {{
  path = LogDir + "/icinga2.log"
  severity = "notice"
}}
{api_text}
{body}
""")
        os.chmod(self.conf, 0o644)

    def validate(self, timeout=60):
        return subprocess.run([ICINGA2_BINARY, "daemon", "-C", "-c", self.conf] + self.defines,
                              capture_output=True, text=True, timeout=timeout, env=self.env)

    def make_api_certificate(self):
        """A self-signed certificate that is its own CA, where the ApiListener looks for it."""
        certs = make_owned_dir(os.path.join(self.dirs["data"], "certs"), self.user)
        cert = os.path.join(certs, f"{self.node}.crt")
        key = os.path.join(certs, f"{self.node}.key")
        run = subprocess.run([ICINGA2_BINARY, "pki", "new-cert", "--cn", self.node, "--key", key,
                              "--cert", cert], capture_output=True, text=True, timeout=30,
                             env=self.env)
        if run.returncode != 0 or not os.path.exists(cert):
            raise RuntimeError(f"icinga2 pki new-cert failed: {run.stdout}{run.stderr}")
        shutil.copyfile(cert, os.path.join(certs, "ca.crt"))
        self.cert = cert

    def start(self, processes):
        console = os.path.join(self.home, "console.log")
        with open(console, "wb") as out:
            self.process = processes.start(
                "icinga2", [ICINGA2_BINARY, "daemon", "-c", self.conf] + self.defines,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=self.env)
        return self.process

    def api(self, path):
        context = ssl.create_default_context(cafile=self.cert)
        context.check_hostname = False  # the certificate names the node, not 127.0.0.1
        auth = base64.b64encode(f"{API_USER}:{API_PASSWORD}".encode()).decode()
        request = urllib.request.Request(
            f"https://127.0.0.1:{API_PORT}{path}",
            headers={"Accept": "application/json", "Authorization": f"Basic {auth}"})
        with urllib.request.urlopen(request, context=context, timeout=5) as response:
            return json.load(response)

    def wait_for_results(self, services, deadline_s=60.0):
        """Waits until every named service has a check result; returns {name: attrs} or None."""
        deadline = time.monotonic() + deadline_s
        path = ("/v1/objects/services?attrs=name&attrs=state&attrs=state_type"
                "&attrs=last_check_result")
        self.last_error = None

        def probe():
            if self.process.poll() is not None:
                return "exited"
            try:
                results = self.api(path)["results"]
            except (OSError, urllib.error.URLError, ValueError) as error:
                self.last_error = repr(error)
                return None
            by_name = {r["attrs"]["name"]: r["attrs"] for r in results}
            if all((by_name.get(name) or {}).get("last_check_result") for name in services):
                return by_name
            return None

        found = wait_until(deadline, probe, "Icinga 2 check results")
        return found if isinstance(found, dict) else None

    def diagnostics(self):
        return (f"icinga2 exit status: {self.process.poll() if self.process else None}; "
                f"last API error: {getattr(self, 'last_error', None)}\n--- console\n"
                f"{tail(os.path.join(self.home, 'console.log'))}--- icinga2.log\n"
                f"{tail(os.path.join(self.dirs['log'], 'icinga2.log'))}")


def enter_private_network_namespace(script):
    """Must run as root. The tests bind ports (80, the API's 5665) in a network namespace of their
    own: when started in a shared one, re-runs the script under `unshare --net`."""
    if os.geteuid() != 0:
        raise SystemExit(f"{os.path.basename(script)} must run as root (dpkg, unshare, setpriv)")
    with open("/proc/self/net/dev", encoding="ascii") as f:
        devices = [line.split(":")[0].strip() for line in f.readlines()[2:]]
    if devices != ["lo"]:
        if os.environ.get("PACKAGE_TEST_IN_NETNS"):
            raise SystemExit(f"not in a private network namespace after unshare: {devices}")
        os.environ["PACKAGE_TEST_IN_NETNS"] = "1"
        os.execv("/usr/bin/unshare", ["unshare", "--net", sys.executable, "-u",
                                      os.path.abspath(script)] + sys.argv[1:])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
