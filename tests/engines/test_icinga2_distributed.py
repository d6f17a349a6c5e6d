# SPDX-License-Identifier: GPL-3.0-or-later
"""check_port_owner on an Icinga 2 agent, scheduled by an Icinga 2 master: two real Icinga 2
instances (Debian's icinga2-bin), each in its own network namespace, joined by a veth pair.

- The master (master.example.com, 192.0.2.10) runs in the test's namespace with the example
  plugins/icinga2/example-master-node.conf; the agent (db01.example.com, 192.0.2.20) in another
  with example-agent-node.conf, and the master loads example-agent.conf in zones.d/master, as
  their comments say. The addresses are those of the examples (TEST-NET-1, reachable only
  through the veth pair).
- TLS as Icinga's documentation describes for agents: the master's CA (pki new-ca, new-cert,
  sign-csr); the agent's self-signed key pair, the master's certificate fetched (pki save-cert)
  and a request signed on a ticket (pki ticket, pki request) over the veth pair.
- The scenario of engine_scenario.py, with the holders in the agent's namespace: the master's
  services run the packaged CheckCommand "port_owner" on the agent (command_endpoint); the
  agent's PluginContribDir holds the plugin with the packaged capabilities, the master's holds
  none, so a result can only come from the agent. Both run as the nagios user.
- At the master (REST API, notification log): every assertion of EngineScenarioTests (OK,
  CRITICAL with the culprit, perfdata, exactly one notification), the perfdata parsed by the
  master's Icinga 2, the results' check_source; a third service with 150 rules, whose output the
  plugin cuts at 8 KiB, arrives whole (text and perfdata as the plugin run directly on the
  agent's machine prints them); then the agent is stopped and started again and fresh results
  from it still arrive.
"""
import json
import os
import shutil
import time

import pytest

from engine_scenario import (CRITICAL_PORT, CRITICAL_SERVICE, HOST_NAME, OK_PORT, OK_SERVICE,
                             PERFDATA_LABELS, RESULT_TIMEOUT_S, RULES, SERVICES,
                             EngineScenarioTests, Scenario, wait_for_engine_run)
from pylib import SOURCE_DIR
from pylib import plugin as check_port_owner
from pylib.assertions import assert_same_lines
from pylib.engines import ENGINE_USER, NotificationLog, engine_user, session_processes
from pylib.engines import wait_for_results
from pylib.icinga2 import ICINGA2_BINARY
from pylib.icinga2_cluster import ClusterNode
from pylib.netns import NetworkNamespace
from pylib.processes import PortHolder, Processes, require_programs, wait_until

ICINGA_EXAMPLES = os.path.join(SOURCE_DIR, "plugins", "icinga2")
PACKAGED_COMMAND = os.path.join(ICINGA_EXAMPLES, "check_port_owner.conf")
# The names and addresses of the examples.
MASTER, AGENT = "master.example.com", "db01.example.com"
MASTER_ADDRESS, AGENT_ADDRESS = "192.0.2.10", "192.0.2.20"
TICKET_SALT = "check-port-owner-test-salt-not-secret"
# A service with a rule per port of a holder of many: more than the plugin's 8 KiB of output.
LONG_SERVICE, MANY_PORTS = "ports2000-2149-nginx", range(2000, 2150)

API_TIMEOUT_S = 30.0
# After a restart: the master reconnects to the agent (every 10 s), and a check sent just before
# the agent stopped is only rescheduled after the command's timeout (20 s) plus 30 s.
RESTART_TIMEOUT_S = 90.0

pytestmark = pytest.mark.usefixtures("module_netns")


@pytest.fixture(scope="module")
def agent_namespace():
    """The agent's machine: a network namespace joined to the test's (the master's) by veth."""
    namespace = NetworkNamespace()
    try:
        namespace.veth_pair("veth-master", "veth-agent", f"{MASTER_ADDRESS}/24",
                            f"{AGENT_ADDRESS}/24")
        yield namespace
    finally:
        namespace.close()


@pytest.fixture(scope="module")
def agent_plugin_dir(plugin, module_workdir):
    """The agent's PluginContribDir: the plugin with the packaged capabilities."""
    directory = os.path.join(module_workdir, "agent-plugins")
    os.mkdir(directory, 0o755)
    check_port_owner.install_copy(plugin, directory, capabilities=True)
    return directory


@pytest.fixture(scope="module")
def scenario(agent_plugin_dir, agent_namespace, debian_python, module_workdir):
    """engine_scenario's holders, in the agent's namespace; the notification log at the
    master."""
    bin_dir = os.path.join(module_workdir, "bin")
    os.mkdir(bin_dir, 0o755)
    holders = {}
    try:
        with agent_namespace.entered():
            for name, port in (("nginx", OK_PORT), ("msproxy", CRITICAL_PORT)):
                exe = os.path.join(bin_dir, name)
                shutil.copyfile(os.path.realpath(debian_python), exe)
                os.chmod(exe, 0o755)
                holders[name] = PortHolder(exe, [port], address="0.0.0.0")
            holders["nginx-many"] = PortHolder(os.path.join(bin_dir, "nginx"), MANY_PORTS,
                                               address="0.0.0.0")
        yield Scenario(os.path.join(agent_plugin_dir, "check_port_owner"), holders,
                       NotificationLog(bin_dir, debian_python))
    finally:
        for holder in holders.values():
            holder.stop()


def master_objects(notify):
    """zones.d/master beside example-agent.conf: the scenario's host, its services checked by
    the agent and applied as example-agent.conf applies its own (the agent named by a host
    variable): the scenario's two, notified to the file, and the long one. (example-agent.conf's
    own service runs too, on its allow-list file, which is not there: not asserted.)"""
    services = "".join(f"""apply Service {json.dumps(name)} {{
  import "e2e-port-owner-service"
  vars.port_owner_port = [ {json.dumps(RULES[name])} ]
  assign where host.name == {json.dumps(HOST_NAME)}
}}
""" for name in SERVICES)
    return f"""object Host {json.dumps(HOST_NAME)} {{
  check_command = "dummy"
  check_interval = 5m
  max_check_attempts = 1
  vars.agent_endpoint = {json.dumps(AGENT)}
}}
template Service "e2e-port-owner-service" {{
  check_command = "port_owner"
  command_endpoint = host.vars.agent_endpoint
  check_interval = 2s
  retry_interval = 2s
  max_check_attempts = 1
  enable_notifications = true
}}
{services}
apply Service {json.dumps(LONG_SERVICE)} {{
  import "e2e-port-owner-service"
  vars.port_owner_port = {json.dumps([f"{port}=nginx" for port in MANY_PORTS])}
  assign where host.name == {json.dumps(HOST_NAME)}
}}
object NotificationCommand "e2e-notify" {{
  command = [ {json.dumps(notify)}, "$notification.type$", "$host.name$", "$service.name$",
              "$service.state$", "$service.output$" ]
}}
object User "e2e" {{ enable_notifications = true }}
apply Notification "e2e-file" to Service {{
  command = "e2e-notify"
  users = [ "e2e" ]
  interval = 0
  assign where service.name in {json.dumps(list(SERVICES))}
}}
"""


def master_config(zones, contrib):
    return f"""const PluginDir = "/usr/lib/nagios/plugins"
// No check_port_owner here: every result must come from the agent.
const PluginContribDir = {json.dumps(contrib)}
const TicketSalt = {json.dumps(TICKET_SALT)}
include <itl>
include <plugins>
include {json.dumps(PACKAGED_COMMAND)}
include {json.dumps(os.path.join(ICINGA_EXAMPLES, "example-master-node.conf"))}
object CheckerComponent "checker" {{ }}
object NotificationComponent "notification" {{ enable_ha = false }}
include_zones "e2e", {json.dumps(zones)}
"""


def agent_config(contrib):
    return f"""const PluginContribDir = {json.dumps(contrib)}
include {json.dumps(PACKAGED_COMMAND)}
include {json.dumps(os.path.join(ICINGA_EXAMPLES, "example-agent-node.conf"))}
"""


def validated(node):
    run = node.validate()
    assert run.returncode == 0, \
        f"icinga2 daemon -C rejects {node.node}'s configuration:\n{run.stdout}{run.stderr}"
    return node


@pytest.fixture(scope="module")
def master(scenario, module_workdir, module_processes):
    """The master: its CA and certificate, configured, validated, started, its API up."""
    require_programs([ICINGA2_BINARY], "icinga2-bin icinga2-common")
    node = ClusterNode(os.path.join(module_workdir, "master"), MASTER)
    node.make_master_certificate()
    zones = os.path.join(module_workdir, "zones.d")
    os.makedirs(os.path.join(zones, "master"))
    shutil.copy(os.path.join(ICINGA_EXAMPLES, "example-agent.conf"),
                os.path.join(zones, "master"))
    with open(os.path.join(zones, "master", "e2e.conf"), "w", encoding="utf-8") as f:
        f.write(master_objects(scenario.notifications.command))
    contrib = os.path.join(module_workdir, "master-plugins")
    os.mkdir(contrib, 0o755)
    node.write_config(master_config(zones, contrib), api_user=True)
    validated(node).start(module_processes)
    assert node.wait_for_api(API_TIMEOUT_S), \
        f"the master's API did not answer within {API_TIMEOUT_S:.0f} s\n{node.diagnostics()}"
    return node


@pytest.fixture(scope="module")
def agent(master, agent_namespace, agent_plugin_dir, module_workdir, module_processes):
    """The agent: its certificate requested from the master on a ticket, over the veth pair,
    then configured, validated and started in its namespace."""
    node = ClusterNode(os.path.join(module_workdir, "agent"), AGENT)
    ticket = master.ticket(AGENT, TICKET_SALT)
    with agent_namespace.entered():
        node.request_agent_certificate(MASTER_ADDRESS, ticket)
        node.write_config(agent_config(agent_plugin_dir))
        validated(node).start(module_processes)
    return node


def start_agent(node, agent_namespace, processes):
    with agent_namespace.entered():
        node.start(processes)


@pytest.fixture(scope="module")
def engine_run(master, agent, scenario):
    """Waits until the master has both services' results twice and sent the notification; the
    notifications are read now, before the agent restarts."""
    run = wait_for_engine_run(master, "The Icinga 2 master", "icinga2 master",
                              scenario.notifications)
    run.notification_records = scenario.notifications.records()
    return run


@pytest.fixture(scope="module")
def long_run(engine_run, master, agent_namespace, scenario):
    """The long service's result at the master, and the plugin run directly on the agent's
    machine as nagios with the same arguments."""
    results = wait_for_results(master, [LONG_SERVICE], RESULT_TIMEOUT_S)
    assert results, f"no result for {LONG_SERVICE}\n{master.diagnostics()}"
    result = results[LONG_SERVICE]

    def run_directly():
        with agent_namespace.entered():
            return check_port_owner.run(scenario.plugin, result.command[1:], user=ENGINE_USER)
    return result, run_directly


def check_sources(master):
    """{service: (check_source, execution_end)} of the scenario's services at the master."""
    services = master.api.objects("services", ("name", "last_check_result"))
    return {s["name"]: (s["last_check_result"]["check_source"],
                        s["last_check_result"]["execution_end"])
            for s in services if s["name"] in SERVICES and s.get("last_check_result")}


class TestIcinga2Distributed(EngineScenarioTests):
    def test_the_agent_runs_as_the_engine_user(self, engine_run, agent):
        uid = engine_user().pw_uid
        processes = session_processes(agent.process.pid)
        assert processes and all(euid == uid for _, _, euid in processes.values()), \
            f"agent processes not running as {ENGINE_USER} (uid {uid}): {processes}"

    def test_the_agent_got_a_certificate_signed_by_the_master(self, agent, master):
        with open(agent.ca, encoding="ascii") as got, open(master.ca, encoding="ascii") as ca:
            assert got.read() == ca.read()
        # Fails (RuntimeError) unless the CA signed the agent's certificate for its name.
        agent.cli("pki", "verify", "--cn", AGENT, "--cert", agent.cert, "--cacert", agent.ca)

    @pytest.mark.parametrize("service", SERVICES)
    def test_the_agent_ran_the_check(self, engine_run, master, scenario, service):
        """The result came from the agent (check_source) and ran the plugin where the agent's
        PluginContribDir says; the master has none to run."""
        assert check_sources(master)[service][0] == AGENT
        assert engine_run.results[service].command[:1] == [scenario.plugin]

    @pytest.mark.parametrize("service", SERVICES)
    def test_the_master_parses_every_perfdata_item(self, engine_run, master, service):
        """The master's Icinga 2 (parse_performance_data, as its perfdata writers use it) reads
        every item the agent's plugin wrote."""
        items = engine_run.results[service].perfdata_items
        parsed, output = master.evaluate(
            f"var r = []; for (p in {json.dumps(items)}) {{ r.add(parse_performance_data(p)) }}; r")
        assert parsed is not None, f"parse_performance_data fails on {items!r}: {output!r}"
        assert [p["label"] for p in parsed] == PERFDATA_LABELS
        assert all(p["min"] == 0 and p["warn"] is None and p["crit"] is None for p in parsed)

    def test_long_output_and_perfdata_arrive_whole(self, long_run):
        """The plugin cut its output at 8 KiB; the agent and the master keep all of it."""
        result, run_directly = long_run
        direct = run_directly()
        assert result.state == direct.code == 0
        assert 4096 < len(direct.stdout.encode()) <= 8192
        assert "more lines cut (output limited to 8 KiB)" in direct.long_lines[-1]
        assert result.first_line == direct.first_line.partition(" | ")[0]
        at_the_master = [line for line in result.long_lines if line]
        assert_same_lines(at_the_master, direct.long_lines)
        untimed = [item for item in result.perfdata_items if not item.startswith("time=")]
        assert untimed == [item for item in direct.first_line.partition(" | ")[2].split()
                           if not item.startswith("time=")]

    def test_one_notification_before_the_restart(self, engine_run):
        critical = [r for r in engine_run.notification_records
                    if len(r) >= 3 and r[2] == CRITICAL_SERVICE]
        assert len(critical) == 1, engine_run.notification_records

    # Last: restarts the agent.
    def test_results_still_arrive_after_the_agent_restarts(self, engine_run, master, agent,
                                                           agent_namespace, scenario,
                                                           module_processes):
        Processes.stop(agent.process)
        stopped_at = time.time()
        start_agent(agent, agent_namespace, module_processes)

        def fresh():
            sources = check_sources(master)
            return all(service in sources and sources[service][0] == AGENT
                       and sources[service][1] > stopped_at for service in SERVICES)
        assert wait_until(RESTART_TIMEOUT_S, lambda: master._query(fresh)), \
            f"no fresh result from the restarted agent within {RESTART_TIMEOUT_S:.0f} s\n" \
            f"{master.diagnostics()}"
        results = wait_for_results(master, SERVICES, 5)
        msproxy = scenario.holders["msproxy"]
        assert results[OK_SERVICE].state == 0
        assert results[CRITICAL_SERVICE].state == 2
        assert f"held by msproxy (pid {msproxy.pid}, user root)" in \
            results[CRITICAL_SERVICE].first_line
