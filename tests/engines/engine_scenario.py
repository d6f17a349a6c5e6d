# SPDX-License-Identifier: GPL-3.0-or-later
"""The scenario both engines run, and the assertions both must pass.

In a private network namespace, copies of Debian's python3 named `nginx` and `msproxy` hold
0.0.0.0:80 and 0.0.0.0:81 as root, so the plugin really identifies them by their executable's
basename. The engine runs one host and two services that run check_port_owner every 2 seconds:

  port80-nginx  -p 80=nginx  nginx holds tcp/80    -> OK
  port81-nginx  -p 81=nginx  msproxy holds tcp/81  -> CRITICAL (the port held by the wrong
                                                      program) and a notification

The engine drops to the `nagios` user as packaged; the plugin is a copy with the capabilities the
package grants (cap_dac_read_search,cap_sys_ptrace=p), so it sees the root-owned holders. What
the engine recorded is then checked: state, first line, long output, perfdata, and the one
notification the engine's notification command wrote to a file.
"""
import dataclasses

import pytest

from pylib import plugin as check_port_owner
from pylib.assertions import (assert_counts, assert_perfdata_conventions, assert_state_line,
                              assert_text_lines_clean)
from pylib.engines import (ENGINE_USER, NotificationLog, engine_user, session_processes,
                           wait_for_results)

OK_PORT, CRITICAL_PORT = 80, 81
OK_SERVICE, CRITICAL_SERVICE = "port80-nginx", "port81-nginx"
SERVICES = (OK_SERVICE, CRITICAL_SERVICE)
HOST_NAME = "e2e-host"
RULES = {OK_SERVICE: f"{OK_PORT}=nginx", CRITICAL_SERVICE: f"{CRITICAL_PORT}=nginx"}

# Engine start, repeated results and the notification must all come within this.
RESULT_TIMEOUT_S = 60.0
PERFDATA_LABELS = [label for label in check_port_owner.PERFDATA_LABELS if label != "unlisted"]


@dataclasses.dataclass
class Scenario:
    plugin: str  # the copy with capabilities the engine runs
    holders: dict  # {"nginx": PortHolder, "msproxy": PortHolder}
    notifications: NotificationLog


@dataclasses.dataclass
class EngineRun:
    """What a test module's engine left to check."""
    name: str
    session_id: int  # the engine's session: all its processes
    results: dict  # {service: ServiceResult}


def notified(notifications):
    """True once the notification command ran for the CRITICAL service."""
    return any(len(r) >= 3 and r[2] == CRITICAL_SERVICE for r in notifications.records())


def wait_for_engine_run(engine, title, name, notifications):
    """Waits until `engine` (titled `title` in a failure) checked both services twice and sent the
    notification; the EngineRun a test module's `engine_run` fixture returns."""
    results = wait_for_results(engine, SERVICES, RESULT_TIMEOUT_S, repeated=True,
                               also=lambda: notified(notifications))
    assert results is not None, (f"{title} did not check both services twice and notify within "
                                 f"{RESULT_TIMEOUT_S:.0f} s\n{engine.diagnostics()}")
    return EngineRun(name, engine.process.pid, results)


class EngineScenarioTests:
    """The assertions both engines must pass. A test module derives a `Test...` class from it
    and provides the module-scoped fixture `engine_run` (an EngineRun); the fixture `scenario`
    comes from conftest.py here."""

    def test_every_engine_process_runs_as_the_engine_user(self, engine_run):
        # So the plugin runs unprivileged (with the file capabilities), as in production.
        uid = engine_user().pw_uid
        processes = session_processes(engine_run.session_id)
        assert processes and all(euid == uid for _, _, euid in processes.values()), \
            f"processes of {engine_run.name} not running as {ENGINE_USER} (uid {uid}): {processes}"

    @pytest.mark.parametrize("service, state", [(OK_SERVICE, 0), (CRITICAL_SERVICE, 2)])
    def test_state(self, engine_run, service, state):
        result = engine_run.results[service]
        assert result.state == state
        assert result.hard, "the state is SOFT"

    @pytest.mark.parametrize("service", SERVICES)
    def test_text_lines_have_no_perfdata(self, engine_run, service):
        result = engine_run.results[service]
        assert_text_lines_clean([result.first_line] + result.long_lines)

    @pytest.mark.parametrize("service", SERVICES)
    def test_perfdata(self, engine_run, service):
        assert_perfdata_conventions(engine_run.results[service].perfdata, PERFDATA_LABELS)

    def test_ok_service_output(self, engine_run, scenario):
        result = engine_run.results[OK_SERVICE]
        nginx = scenario.holders["nginx"]
        assert_state_line(result.first_line, "OK")
        line = check_port_owner.holder_line("OK", OK_PORT, "nginx", nginx.pid, nginx.exe)
        assert any(text.startswith(line) for text in result.long_lines), \
            f"no {line!r} in the long output {result.long_lines!r}"
        assert_counts(result.perfdata, {
            "rules": 1, "rules_ok": 1, "rules_missing": 0, "rules_unexpected": 0,
            "rules_unattributed": 0, "listeners": 1})

    def test_critical_service_output(self, engine_run, scenario):
        result = engine_run.results[CRITICAL_SERVICE]
        msproxy = scenario.holders["msproxy"]
        assert result.first_line == (f"PORT_OWNER CRITICAL - tcp/{CRITICAL_PORT} held by msproxy "
                                     f"(pid {msproxy.pid}, user root), expected nginx")
        line = check_port_owner.holder_line("CRITICAL", CRITICAL_PORT, "msproxy", msproxy.pid,
                                            msproxy.exe)
        assert any(text.startswith(line) and text.endswith("(allowed: nginx)")
                   for text in result.long_lines), \
            f"no {line + ' ... (allowed: nginx)'!r} in the long output {result.long_lines!r}"
        assert_counts(result.perfdata, {
            "rules": 1, "rules_ok": 0, "rules_missing": 0, "rules_unexpected": 1,
            "rules_unattributed": 0, "listeners": 1})

    def test_one_notification_for_the_critical_service(self, engine_run, scenario):
        """Written once, not repeated on the next checks; records are [type, host, service,
        state, output...] as the notification command got them."""
        records = scenario.notifications.records()
        critical = [r for r in records if len(r) >= 5 and r[2] == CRITICAL_SERVICE]
        assert len(critical) == 1, records
        kind, host, _, state, output = critical[0][:5]
        assert (kind.upper(), host, state) == ("PROBLEM", HOST_NAME, "CRITICAL")
        msproxy_pid = scenario.holders["msproxy"].pid
        assert f"held by msproxy (pid {msproxy_pid}, user root), expected nginx" in output, \
            "the notification does not name the culprit"

    def test_no_notification_for_the_ok_service(self, engine_run, scenario):
        records = scenario.notifications.records()
        assert not [r for r in records if len(r) >= 3 and r[2] == OK_SERVICE]
