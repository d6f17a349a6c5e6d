# SPDX-License-Identifier: GPL-3.0-or-later
"""An Icinga 2 node (Debian's icinga2-bin) in a temporary directory, nothing from /etc/icinga2:
its configuration, `icinga2 daemon -C`, the daemon, and its REST API on 127.0.0.1, the one way
these tests read what it recorded.
"""
import base64
import json
import os
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request

from pylib.engines import ENGINE_USER, ServiceResult, owned_dir, tail
from pylib.processes import wait_until

ICINGA2_BINARY = "/usr/sbin/icinga2"
API_PORT = 5665
API_USER, API_PASSWORD = "check-port-owner-test", "test-password-not-secret"
# Read-only: what the tests query.
API_PERMISSIONS = ["status/query", "objects/query/Service", "objects/query/Notification",
                   "objects/query/CheckCommand"]
SERVICE_ATTRS = ("name", "state", "state_type", "last_check_result")

# What the API or the connection to it may raise while the daemon starts or stops.
API_ERRORS = (OSError, urllib.error.URLError, ValueError)


class Icinga2Api:
    """Client of the REST API: basic authentication, the node's self-signed certificate as CA."""

    def __init__(self, cafile, port=API_PORT):
        self.context = ssl.create_default_context(cafile=cafile)
        self.context.check_hostname = False  # the certificate names the node, not 127.0.0.1
        self.base = f"https://127.0.0.1:{port}"
        credentials = base64.b64encode(f"{API_USER}:{API_PASSWORD}".encode()).decode()
        self.headers = {"Accept": "application/json", "Authorization": f"Basic {credentials}"}

    def get(self, path):
        request = urllib.request.Request(self.base + path, headers=self.headers)
        with urllib.request.urlopen(request, context=self.context, timeout=5) as response:
            return json.load(response)

    def objects(self, kind, attrs, name=None):
        """[attrs, ...] of the objects of a kind (`services`, `checkcommands`...)."""
        query = "&".join(f"attrs={attr}" for attr in attrs)
        path = f"/v1/objects/{kind}" + (f"/{name}" if name else "")
        return [result["attrs"] for result in self.get(f"{path}?{query}")["results"]]


def perfdata_items(values):
    """Icinga 2 keeps perfdata as strings, or as PerfdataValue dictionaries when normalised:
    back to `label=value[unit];warn;crit;min;max` tokens."""
    def number(value):
        return str(int(value)) if float(value).is_integer() else repr(float(value))

    def optional(value):
        return "" if value is None else number(value)

    items = []
    for value in values or []:
        if isinstance(value, dict):
            items.append(f"{value['label']}={number(value['value'])}{value.get('unit') or ''}"
                         f";{optional(value.get('warn'))};{optional(value.get('crit'))}"
                         f";{optional(value.get('min'))};{optional(value.get('max'))}")
        else:
            items.append(str(value))
    return items


def _service_result(attrs):
    result = attrs["last_check_result"]
    lines = (result.get("output") or "").split("\n")
    return ServiceResult(
        state=int(attrs["state"]),
        hard=int(attrs["state_type"]) == 1,
        # Icinga 2 cuts line 1 at the `|` and keeps the blank before it (`... nginx \n...`).
        first_line=lines[0].rstrip(" "),
        long_lines=lines[1:],
        perfdata_items=perfdata_items(result.get("performance_data")),
        checked_at=result.get("execution_end"),
        exit_status=int(result.get("exit_status", -1)),
        command=result.get("command") or [])


class Icinga2:
    """An Icinga 2 node in `home` (created, owned by the engine user), running as the nagios
    user: a standalone node (its own Endpoint and Zone), a file logger and, with `api`, the REST
    API on 127.0.0.1 with a self-signed certificate."""

    def __init__(self, home, node="check-port-owner-test"):
        self.home = owned_dir(home)
        self.dirs = {name: owned_dir(os.path.join(home, name))
                     for name in ("data", "log", "cache", "run", "spool")}
        self.node = node
        self.env = dict(os.environ, ICINGA2_USER=ENGINE_USER, ICINGA2_GROUP=ENGINE_USER)
        self.defines = [f"-DDataDir={self.dirs['data']}", f"-DLogDir={self.dirs['log']}",
                        f"-DCacheDir={self.dirs['cache']}", f"-DInitRunDir={self.dirs['run']}",
                        f"-DSpoolDir={self.dirs['spool']}", f"-DNodeName={node}"]
        self.conf = os.path.join(self.home, "icinga2.conf")
        self.console = os.path.join(self.home, "console.log")
        self.process = None
        self.api = None
        self.last_api_error = None

    def write_config(self, body, api=True):
        api_objects = ""
        if api:
            self._make_api_certificate()
            api_objects = f"""
object ApiListener "api" {{
  bind_host = "127.0.0.1"
  bind_port = {API_PORT}
  accept_config = false
  accept_commands = false
}}
object ApiUser {json.dumps(API_USER)} {{
  password = {json.dumps(API_PASSWORD)}
  permissions = {json.dumps(API_PERMISSIONS)}
}}
"""
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""// check_port_owner test: a standalone node, nothing from /etc/icinga2.
object Endpoint NodeName {{ }}
object Zone NodeName {{ endpoints = [ NodeName ] }}
object FileLogger "test-log" {{
  path = LogDir + "/icinga2.log"
  severity = "notice"
}}
{api_objects}
{body}
""")
        os.chmod(self.conf, 0o644)

    def _make_api_certificate(self):
        """A self-signed certificate that is its own CA, where the ApiListener looks by default
        (DataDir/certs/NodeName.{crt,key} and ca.crt)."""
        certs = owned_dir(os.path.join(self.dirs["data"], "certs"))
        cert = os.path.join(certs, f"{self.node}.crt")
        key = os.path.join(certs, f"{self.node}.key")
        run = subprocess.run([ICINGA2_BINARY, "pki", "new-cert", "--cn", self.node, "--key", key,
                              "--cert", cert], capture_output=True, text=True, timeout=30,
                             env=self.env)
        if run.returncode != 0 or not os.path.exists(cert):
            raise RuntimeError(f"icinga2 pki new-cert failed: {run.stdout}{run.stderr}")
        shutil.copyfile(cert, os.path.join(certs, "ca.crt"))
        self.api = Icinga2Api(cert)

    def validate(self, timeout=60):
        """`icinga2 daemon -C`: the CompletedProcess, text output."""
        return subprocess.run([ICINGA2_BINARY, "daemon", "-C", "-c", self.conf] + self.defines,
                              capture_output=True, text=True, timeout=timeout, env=self.env)

    def start(self, processes):
        with open(self.console, "wb") as out:
            self.process = processes.start(
                "icinga2", [ICINGA2_BINARY, "daemon", "-c", self.conf] + self.defines,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=self.env)
        return self.process

    def running(self):
        return self.process is not None and self.process.poll() is None

    def _query(self, call):
        try:
            return call()
        except API_ERRORS as error:
            self.last_api_error = repr(error)
            return None

    def wait_for_api(self, timeout_s):
        """True once the API answers, False on timeout or when the daemon exited."""
        def probe():
            if not self.running():
                return "exited"
            return self._query(lambda: self.api.get("/v1/status/IcingaApplication"))
        return isinstance(wait_until(timeout_s, probe), dict)

    def results(self):
        """{service: ServiceResult} of the services checked at least once; None when the API
        does not answer."""
        services = self._query(lambda: self.api.objects("services", SERVICE_ATTRS))
        if services is None:
            return None
        return {attrs["name"]: _service_result(attrs) for attrs in services
                if attrs.get("last_check_result")}

    def evaluate(self, script):
        """`icinga2 console --eval SCRIPT`: the value read as JSON, or None with the output."""
        run = subprocess.run([ICINGA2_BINARY, "console", "--eval", script], capture_output=True,
                             text=True, timeout=30, env=self.env)
        try:
            return json.loads(run.stdout), ""
        except ValueError:
            return None, (run.stdout + run.stderr).strip()

    def diagnostics(self):
        return (f"icinga2 exit status: {self.process.poll() if self.process else None}; "
                f"last API error: {self.last_api_error}\n--- console\n{tail(self.console)}"
                f"--- icinga2.log\n{tail(os.path.join(self.dirs['log'], 'icinga2.log'))}")
