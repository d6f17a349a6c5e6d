# SPDX-License-Identifier: GPL-3.0-or-later
"""A Nagios 4 (Debian's nagios4-core) in a temporary directory, nothing from /etc/nagios4: its
main configuration, `nagios4 -v`, the daemon, and what it records in status.dat.
"""
import os
import subprocess

from pylib.engines import ENGINE_USER, ServiceResult, owned_dir, tail

NAGIOS_BINARY = "/usr/sbin/nagios4"

# Objects named as in Debian's /etc/nagios4/objects/*.cfg, so that configurations which `use`
# them validate without the machine's own configuration.
DEBIAN_TEMPLATE_OBJECTS = """
define timeperiod {
  timeperiod_name 24x7
  alias           24x7
  sunday          00:00-24:00
  monday          00:00-24:00
  tuesday         00:00-24:00
  wednesday       00:00-24:00
  thursday        00:00-24:00
  friday          00:00-24:00
  saturday        00:00-24:00
  }
define command {
  command_name    check-host-alive
  command_line    /bin/true
  }
define command {
  command_name    notify-by-nothing
  command_line    /bin/true
  }
define command {
  command_name    check_nrpe
  command_line    $USER1$/check_nrpe -H '$HOSTADDRESS$' -c '$ARG1$'
  }
define contact {
  contact_name                    nagiosadmin
  alias                           Nagios Admin
  host_notification_period        24x7
  service_notification_period     24x7
  host_notification_options       d,u,r
  service_notification_options    w,u,c,r
  host_notification_commands      notify-by-nothing
  service_notification_commands   notify-by-nothing
  }
define contactgroup {
  contactgroup_name       admins
  alias                   Admins
  members                 nagiosadmin
  }
define host {
  name                    linux-server
  check_command           check-host-alive
  check_period            24x7
  check_interval          5
  retry_interval          1
  max_check_attempts      10
  notification_period     24x7
  notification_interval   120
  notification_options    d,u,r
  contact_groups          admins
  register                0
  }
define service {
  name                    generic-service
  check_period            24x7
  max_check_attempts      3
  check_interval          10
  retry_interval          2
  notification_interval   60
  notification_period     24x7
  notification_options    w,u,c,r
  contact_groups          admins
  register                0
  }
define host {
  use             linux-server
  host_name       localhost
  alias           localhost
  address         127.0.0.1
  }
"""


def _main_settings(home, resource_file, object_files):
    settings = [
        ("log_file", f"{home}/nagios.log"),
        ("resource_file", resource_file),
    ] + [("cfg_file", path) for path in object_files] + [
        ("object_cache_file", f"{home}/objects.cache"),
        ("precached_object_file", f"{home}/objects.precache"),
        ("status_file", f"{home}/status.dat"),
        ("status_update_interval", "1"),
        ("nagios_user", ENGINE_USER),
        ("nagios_group", ENGINE_USER),
        ("check_external_commands", "0"),
        ("command_file", f"{home}/nagios.cmd"),
        ("lock_file", f"{home}/nagios.lock"),
        ("temp_file", f"{home}/nagios.tmp"),
        ("temp_path", f"{home}/tmp"),
        ("check_result_path", f"{home}/checkresults"),
        ("query_socket", f"{home}/nagios.qh"),
        ("debug_file", f"{home}/nagios.debug"),
        ("debug_level", "0"),
        ("log_archive_path", f"{home}/archives"),
        ("log_rotation_method", "n"),
        ("state_retention_file", f"{home}/retention.dat"),
        ("retain_state_information", "0"),
        ("use_retained_program_state", "0"),
        ("use_syslog", "0"),
        ("log_notifications", "1"),
        ("log_service_retries", "1"),
        ("log_initial_states", "1"),
        # Checks every few seconds, at once, results reaped every second: check_interval
        # counts seconds (interval_length), and nothing is spread over a minute.
        ("interval_length", "1"),
        ("service_inter_check_delay_method", "n"),
        ("host_inter_check_delay_method", "n"),
        ("max_service_check_spread", "1"),
        ("max_host_check_spread", "1"),
        ("check_result_reaper_frequency", "1"),
        ("max_check_result_reaper_time", "2"),
        ("service_check_timeout", "30"),
        ("enable_notifications", "1"),
        ("execute_service_checks", "1"),
        ("execute_host_checks", "1"),
        ("enable_flap_detection", "0"),
        ("process_performance_data", "0"),
        ("enable_environment_macros", "0"),
        ("check_for_updates", "0"),
        ("bare_update_check", "0"),
        ("daemon_dumps_core", "0"),
        ("illegal_macro_output_chars", "`~$&|'\"<>"),
    ]
    return "".join(f"{key}={value}\n" for key, value in settings)


class Nagios4:
    """A Nagios 4 in `home` (created, owned by the engine user). The daemon drops to the nagios
    user, as packaged."""

    def __init__(self, home):
        self.home = owned_dir(home)
        for sub in ("checkresults", "tmp", "archives"):
            owned_dir(os.path.join(home, sub))
        self.cfg = os.path.join(home, "nagios.cfg")
        self.status_file = os.path.join(home, "status.dat")
        self.log_file = os.path.join(home, "nagios.log")
        self.console = os.path.join(home, "console.log")
        self.process = None

    def write_file(self, name, text):
        path = os.path.join(self.home, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def write_config(self, object_files, plugin_dir="/usr/lib/nagios/plugins",
                     debian_templates=False):
        """nagios.cfg reading object_files (and, with debian_templates, the objects Debian's
        examples `use`), with $USER1$ = plugin_dir."""
        resource = self.write_file("resource.cfg", f"$USER1$={plugin_dir}\n")
        if debian_templates:
            templates = self.write_file("debian-templates.cfg", DEBIAN_TEMPLATE_OBJECTS)
            object_files = [templates] + list(object_files)
        self.write_file("nagios.cfg", _main_settings(self.home, resource, object_files))

    def verify(self, timeout=30):
        """`nagios4 -v`: the CompletedProcess, text output."""
        return subprocess.run([NAGIOS_BINARY, "-v", self.cfg], capture_output=True, text=True,
                              timeout=timeout)

    def start(self, processes):
        with open(self.console, "wb") as out:
            self.process = processes.start("nagios4", [NAGIOS_BINARY, self.cfg],
                                           stdin=subprocess.DEVNULL, stdout=out,
                                           stderr=subprocess.STDOUT)
        return self.process

    def running(self):
        return self.process is not None and self.process.poll() is None

    def service_status(self):
        """{service_description: {key: value}} of the servicestatus blocks of status.dat."""
        return read_status_dat(self.status_file)

    def results(self):
        return {name: _service_result(status) for name, status in self.service_status().items()
                if status.get("has_been_checked") == "1"}

    def diagnostics(self):
        return (f"nagios4 exit status: {self.process.poll() if self.process else None}\n"
                f"--- console\n{tail(self.console)}--- nagios.log\n{tail(self.log_file)}")


def _service_result(status):
    long_output = status.get("long_plugin_output", "")
    return ServiceResult(
        state=int(status.get("current_state", -1)),
        hard=status.get("state_type") == "1",
        first_line=status.get("plugin_output", ""),
        long_lines=long_output.split("\n") if long_output else [],
        perfdata_items=status.get("performance_data", "").split(),
        checked_at=status.get("last_check"))


def _unescape_status_value(value):
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
    """{service_description: {key: value}} of the servicestatus blocks of a status.dat."""
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
            block[key] = _unescape_status_value(value) if key.endswith("output") else value
    return services
