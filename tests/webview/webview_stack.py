# SPDX-License-Identifier: GPL-3.0-or-later
"""The admin's view, all of it started once for the test module in one private network
namespace and one temporary directory: MariaDB with Icinga 2's IDO and Icinga Web 2's own
database, carbon-cache, Icinga 2 (IDO and GraphiteWriter features) running check_port_owner,
and Apache serving Icinga Web 2 and graphite-web.

The scenario: copies of Debian's python3 hold two ports; Icinga 2 checks both every 2 seconds
with the CheckCommand the project ships (plugins/icinga2/check_port_owner.conf):

  port5001-nginx  -p 5001=nginx  `nginx` holds tcp/5001         -> OK
  port5002-nginx  -p 5002=nginx  HOSTILE_NAME holds tcp/5002    -> CRITICAL

HOSTILE_NAME carries what a process name must not get through to the admin's page: a `|`, a
newline, an ANSI colour escape, a <script> element and an element with an onclick handler (short
enough that the plugin shows it whole).
"""
import dataclasses
import json
import os
import shutil

from apache_service import REMOTE_USER, WEB_USER, Apache
from graphite_service import CARBON_PORT, WEB_PORT as GRAPHITE_PORT, Graphite
from icingaweb2_config import LOG as WEB_LOG, SCHEMA as WEB_SCHEMA, write_icingaweb2_config
from mariadb_service import PORT as MARIADB_PORT, MariaDB
from pylib import plugin as check_port_owner
from pylib.icinga2 import Icinga2
from pylib.processes import PortHolder

HOST_NAME = "webview-host"
OK_PORT, CRITICAL_PORT = 5001, 5002
OK_SERVICE, CRITICAL_SERVICE = f"port{OK_PORT}-nginx", f"port{CRITICAL_PORT}-nginx"
SERVICES = (OK_SERVICE, CRITICAL_SERVICE)
HOSTILE_NAME = "p|\n\x1b[31m<script>x()<b onclick=y()>"
# As the plugin prints it: `|`, `<`, `>` and control bytes as \xNN.
HOSTILE_NAME_ESCAPED = "p\\x7c\\x0a\\x1b[31m\\x3cscript\\x3ex()\\x3cb onclick=y()\\x3e"
CHECK_COMMAND = "port_owner"  # the shipped CheckCommand; the graph templates key on it
IDO = {"host": "127.0.0.1", "port": MARIADB_PORT, "dbname": "icinga",
       "username": "icinga", "password": "ido-password-not-secret"}
IDO_SCHEMA = "/usr/share/icinga2-ido-mysql/schema/mysql.sql"
WEB_DB = {"host": "127.0.0.1", "port": MARIADB_PORT, "dbname": "icingaweb2",
          "username": "icingaweb2", "password": "web-password-not-secret"}
ICINGAWEB_URL = "http://127.0.0.1/icingaweb2"
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECK_COMMAND_CONF = os.path.join(SOURCE_DIR, "plugins/icinga2/check_port_owner.conf")
GRAPH_TEMPLATE = os.path.join(SOURCE_DIR, "plugins/icingaweb2/graphite/port_owner.ini")


def metric_path(service, label):
    """Where Icinga 2's GraphiteWriter (default service_name_template) puts a perfdata value."""
    return f"icinga2.{HOST_NAME}.services.{service}.{CHECK_COMMAND}.perfdata.{label}.value"


def service_url(service):
    return f"{ICINGAWEB_URL}/monitoring/service/show?host={HOST_NAME}&service={service}"


def icinga2_config(plugin_dir, check_command_conf):
    services = "".join(f"""object Service {json.dumps(name)} {{
  host_name = {json.dumps(HOST_NAME)}
  check_command = {json.dumps(CHECK_COMMAND)}
  vars.port_owner_port = [ "{port}=nginx" ]
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
}}
""" for name, port in ((OK_SERVICE, OK_PORT), (CRITICAL_SERVICE, CRITICAL_PORT)))
    return f"""object CheckerComponent "checker" {{ }}
const PluginContribDir = {json.dumps(plugin_dir)}
include {json.dumps(check_command_conf)}

object IdoMysqlConnection "ido-mysql" {{
  host = {json.dumps(IDO["host"])}
  port = {IDO["port"]}
  user = {json.dumps(IDO["username"])}
  password = {json.dumps(IDO["password"])}
  database = {json.dumps(IDO["dbname"])}
}}
object GraphiteWriter "graphite" {{
  host = "127.0.0.1"
  port = {CARBON_PORT}
}}

object CheckCommand "webview-host-up" {{ command = [ "/bin/true" ] }}
object Host {json.dumps(HOST_NAME)} {{
  check_command = "webview-host-up"
  check_interval = 5s
  max_check_attempts = 1
}}
{services}"""


@dataclasses.dataclass
class Stack:
    plugin: str
    holders: dict  # {"ok": PortHolder, "critical": PortHolder}
    mariadb: MariaDB
    graphite: Graphite
    icinga2: Icinga2
    apache: Apache
    icingaweb_config_dir: str

    def logged_problems(self):
        """What Icinga Web 2 (warnings and errors) and Apache (above notice, PHP's errors
        included) logged: [line, ...]."""
        lines = []
        for path in (os.path.join(self.icingaweb_config_dir, WEB_LOG), self.apache.error_log):
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    lines += [line.rstrip("\n") for line in f if ":notice]" not in line]
        return [line for line in lines if line.strip()]

    def ido_states(self):
        """{service: current_state} as Icinga 2 wrote them to the IDO, which Icinga Web 2
        reads."""
        run = self.mariadb.sql(
            "SELECT o.name2, s.current_state FROM icinga_servicestatus s JOIN icinga_objects o "
            "ON o.object_id = s.service_object_id WHERE o.is_active = 1",
            database=IDO["dbname"], check=False)
        if run.returncode != 0:
            return {}
        rows = [line.split("\t") for line in run.stdout.splitlines()[1:]]
        return {row[0]: int(row[1]) for row in rows if len(row) == 2}

    def diagnostics(self):
        return "\n".join(part.diagnostics() for part in
                         (self.mariadb, self.graphite, self.icinga2, self.apache))


def start_stack(plugin, python, workdir, processes, holders, timeout_s):
    """Starts everything (the holders go into `holders`, for the caller to stop); returns the
    Stack or raises with what each service logged."""
    bin_dir = os.path.join(workdir, "bin")
    os.mkdir(bin_dir, 0o755)
    plugin_copy = check_port_owner.install_copy(plugin, bin_dir, capabilities=True)
    for key, name, port in (("ok", "nginx", OK_PORT), ("critical", HOSTILE_NAME, CRITICAL_PORT)):
        exe = os.path.join(bin_dir, name)
        shutil.copyfile(os.path.realpath(python), exe)
        os.chmod(exe, 0o755)
        holders[key] = PortHolder(exe, [port], address="0.0.0.0")

    mariadb = MariaDB(os.path.join(workdir, "mariadb"))
    mariadb.start(processes)
    graphite = Graphite(os.path.join(workdir, "graphite"))
    graphite.write_config()  # graphite-web's database while MariaDB starts
    graphite.start(processes)
    icinga2 = Icinga2(os.path.join(workdir, "icinga2"), node="webview-node")
    icingaweb_config_dir = os.path.join(workdir, "icingaweb2")
    apache = Apache(os.path.join(workdir, "apache"), icingaweb_config_dir, graphite.wsgi_script)
    stack = Stack(plugin_copy, holders, mariadb, graphite, icinga2, apache, icingaweb_config_dir)

    if not mariadb.wait_ready(timeout_s):
        raise RuntimeError("MariaDB did not start\n" + stack.diagnostics())
    for db, schema in ((IDO, IDO_SCHEMA), (WEB_DB, WEB_SCHEMA)):
        mariadb.create_database(db["dbname"], db["username"], db["password"], schema=schema)

    # A copy the engine user can read wherever the source tree is (a checkout under /root).
    check_command_conf = os.path.join(bin_dir, os.path.basename(CHECK_COMMAND_CONF))
    shutil.copyfile(CHECK_COMMAND_CONF, check_command_conf)
    os.chmod(check_command_conf, 0o644)
    icinga2.write_config(icinga2_config(bin_dir, check_command_conf))
    validate = icinga2.validate()
    if validate.returncode != 0:
        raise RuntimeError("icinga2 daemon -C rejects the configuration:\n" + validate.stdout +
                           validate.stderr)
    icinga2.start(processes)

    write_icingaweb2_config(icingaweb_config_dir, WEB_USER, REMOTE_USER, WEB_DB, IDO,
                            f"http://127.0.0.1:{GRAPHITE_PORT}", [GRAPH_TEMPLATE])
    apache.write_config()
    validate = apache.validate()
    if validate.returncode != 0:
        raise RuntimeError("apache2 -t rejects the configuration:\n" + validate.stdout +
                           validate.stderr)
    apache.start(processes)
    if not icinga2.wait_for_api(timeout_s):
        raise RuntimeError("the Icinga 2 API did not answer\n" + stack.diagnostics())
    if not apache.wait_ready(timeout_s):
        raise RuntimeError("Apache did not serve Icinga Web 2\n" + stack.diagnostics())
    return stack
