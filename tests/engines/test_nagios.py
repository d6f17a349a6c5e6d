# SPDX-License-Identifier: GPL-3.0-or-later
"""check_port_owner under a real Nagios 4 (Debian's nagios4-core), started once in a temporary
directory: the scenario of engine_scenario.py, read back from status.dat and nagios.log."""
import os

import pytest

from engine_scenario import (CRITICAL_SERVICE, HOST_NAME, RULES, SERVICES, EngineScenarioTests,
                             wait_for_engine_run)
from pylib.engines import tail
from pylib.nagios import NAGIOS_BINARY, Nagios4
from pylib.processes import require_programs

WEEK = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")


def objects_config(plugin, notify):
    """One host, the two services of the scenario, the contact and its notification command."""
    week = "\n".join(f"  {day} 00:00-24:00" for day in WEEK)
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
    services = "".join(f"""define service {{
  service_description {name}
  check_command check_port_owner!{RULES[name]}
{service_common}}}
""" for name in SERVICES)
    return f"""define timeperiod {{
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
  command_line {notify} "$NOTIFICATIONTYPE$" "$HOSTNAME$" "$SERVICEDESC$" "$SERVICESTATE$" \
"$SERVICEOUTPUT$" "$LONGSERVICEOUTPUT$"
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
{services}"""


@pytest.fixture(scope="module")
def nagios(scenario, module_workdir, module_processes):
    """Nagios 4, configured, verified and started; stopped with the module's processes."""
    require_programs([NAGIOS_BINARY], "nagios4-core")
    nagios = Nagios4(os.path.join(module_workdir, "nagios"))
    objects = nagios.write_file("objects.cfg",
                                objects_config(scenario.plugin, scenario.notifications.command))
    nagios.write_config([objects])
    verify = nagios.verify()
    assert verify.returncode == 0, "nagios4 -v rejects the configuration:\n" + \
        verify.stdout + verify.stderr
    nagios.start(module_processes)
    return nagios


@pytest.fixture(scope="module")
def engine_run(nagios, scenario):
    """Waits until Nagios checked both services twice and sent the notification."""
    return wait_for_engine_run(nagios, "Nagios", "nagios4", scenario.notifications)


class TestNagios(EngineScenarioTests):
    def test_status_dat_counts_the_notification(self, engine_run, nagios):
        status = nagios.service_status()[CRITICAL_SERVICE]
        assert status.get("current_notification_number", "0") != "0"

    def test_nagios_log_records_the_notification(self, engine_run, nagios):
        assert (f"SERVICE NOTIFICATION: e2e;{HOST_NAME};{CRITICAL_SERVICE};CRITICAL;e2e-notify;"
                in tail(nagios.log_file, 200))
