# SPDX-License-Identifier: GPL-3.0-or-later
"""check_port_owner under a real Icinga 2 (Debian's icinga2-bin), started once in a temporary
directory: the scenario of engine_scenario.py, read back through the REST API on 127.0.0.1, and
the perfdata read by Icinga 2's own parser."""
import json
import os

import pytest

from engine_scenario import (CRITICAL_SERVICE, HOST_NAME, PERFDATA_LABELS, RULES, SERVICES,
                             EngineScenarioTests, wait_for_engine_run)
from pylib.icinga2 import ICINGA2_BINARY, Icinga2
from pylib.processes import require_programs

API_TIMEOUT_S = 30.0


def scenario_config(plugin, notify):
    """The checker and notification components, one host, the two services of the scenario and
    a notification to the file for every service of the host."""
    services = "".join(f"""object Service {json.dumps(name)} {{
  import "e2e-port-owner-service"
  vars.port_owner_port = [ {json.dumps(RULES[name])} ]
}}
""" for name in SERVICES)
    return f"""object CheckerComponent "checker" {{ }}
object NotificationComponent "notification" {{ enable_ha = false }}

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
{services}
apply Notification "e2e-file" to Service {{
  command = "e2e-notify"
  users = [ "e2e" ]
  interval = 0
  assign where host.name == {json.dumps(HOST_NAME)}
}}
"""


@pytest.fixture(scope="module")
def icinga2(scenario, module_workdir, module_processes):
    """Icinga 2, configured, validated, started and its API up; stopped with the module's
    processes."""
    require_programs([ICINGA2_BINARY], "icinga2-bin icinga2-common")
    node = Icinga2(os.path.join(module_workdir, "icinga2"), node="e2e-node")
    node.write_config(scenario_config(scenario.plugin, scenario.notifications.command))
    validate = node.validate()
    assert validate.returncode == 0, "icinga2 daemon -C rejects the configuration:\n" + \
        validate.stdout + validate.stderr
    node.start(module_processes)
    assert node.wait_for_api(API_TIMEOUT_S), \
        f"the Icinga 2 API did not answer within {API_TIMEOUT_S:.0f} s\n{node.diagnostics()}"
    return node


@pytest.fixture(scope="module")
def engine_run(icinga2, scenario):
    """Waits until Icinga 2 checked both services twice and sent the notification."""
    return wait_for_engine_run(icinga2, "Icinga 2", "icinga2", scenario.notifications)


class TestIcinga2(EngineScenarioTests):
    @pytest.mark.parametrize("service", SERVICES)
    def test_exit_status_gives_the_state(self, engine_run, service):
        result = engine_run.results[service]
        assert result.exit_status == result.state

    @pytest.mark.parametrize("service", SERVICES)
    def test_the_check_ran_the_plugin(self, engine_run, scenario, service):
        assert engine_run.results[service].command[:1] == [scenario.plugin]

    @pytest.mark.parametrize("service", SERVICES)
    def test_icinga_parses_every_perfdata_item(self, engine_run, icinga2, service):
        """Icinga 2's own perfdata parser (PerfdataValue::Parse, as the perfdata writers use it)
        reads every item: the label, the value, `s` as seconds, min 0, no warn/crit."""
        items = engine_run.results[service].perfdata_items
        parsed, output = icinga2.evaluate(
            f"var r = []; for (p in {json.dumps(items)}) {{ r.add(parse_performance_data(p)) }}; r")
        assert parsed is not None, f"parse_performance_data fails on {items!r}: {output!r}"
        summary = [(p["label"], p["value"], p["unit"], p["min"], p["warn"], p["crit"])
                   for p in parsed]
        assert [p[0] for p in summary] == PERFDATA_LABELS
        assert all(p[2] == ("seconds" if p[0] == "time" else "") and p[3] == 0
                   and p[4] is None and p[5] is None for p in summary), summary

    def test_api_counts_the_notification(self, engine_run, icinga2):
        notifications = icinga2.api.objects("notifications",
                                            ("name", "service_name", "notification_number"))
        numbers = {n["service_name"]: n["notification_number"] for n in notifications}
        assert numbers.get(CRITICAL_SERVICE, 0) >= 1, numbers
