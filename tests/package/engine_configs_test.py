#!/usr/bin/python3
"""Checks the engine definitions of plugins/ with the real engines (Debian's nagios4-core and
icinga2), from the source tree, without installing anything.

    python3 engine_configs_test.py --source-dir SRC --plugin BUILT_PLUGIN

- Nagios: `nagios4 -v` accepts plugins/nagios/*.cfg and plugins/nrpe/nagios-services.cfg with
  no error and no warning; every $ARGn$ of a command_line is quoted; each example service's
  command line, expanded as Nagios would and split as a shell would, is accepted by the plugin.
- NRPE: every command[...] line has fixed arguments (no $) and the plugin accepts them.
- Icinga 2: `icinga2 daemon -C` accepts the CheckCommand and the examples (the agent example
  in a zones.d/master tree, as documented). Then an Icinga 2 started in a temporary directory,
  whose PluginContribDir holds a stand-in check_port_owner that prints its argv, runs services
  with every port_owner_* variable: the argv must be exactly the expected options. Its API also
  shows the CheckCommand: every long option of `check_port_owner --help` is an argument with a
  description, flags use set_if, --port/--ignore repeat_key, and the command's timeout is
  above the plugin's.

Root (the engines drop to the nagios user); re-runs itself in a private network namespace
(the API binds 127.0.0.1:5665 there). Standard library only; exit 0 when every check holds.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree (tests/engines included)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import engine_harness as harness  # noqa: E402

checks = harness.Checks("engine-configs")
check, log = checks.check, checks.log

NRPE_PLUGIN = "/usr/lib/nagios/plugins/check_port_owner"
PACKAGED_ALLOW_LIST = "/etc/nagios/check_port_owner.ini"
FLAGS = {"--all-holders", "--learn", "--verbose", "-vv", "-vvv"}

# Services of the argv test: their vars, and the argv the CheckCommand must produce.
ARGV_CASES = {
    "defaults": ({}, ["--timeout", "10"]),
    "port-string": ({"port_owner_port": "tcp/443=exe:/usr/sbin/nginx"},
                    ["--port", "tcp/443=exe:/usr/sbin/nginx", "--timeout", "10"]),
    "everything": ({
        "port_owner_port": ["80=nginx,apache2", "udp/53=user:bind"],
        "port_owner_config": "/etc/nagios/check_port_owner.ini",
        "port_owner_missing": "warning",
        "port_owner_unexpected": "critical",
        "port_owner_unattributed": "ok",
        "port_owner_warning": "0",
        "port_owner_critical": "@1:5",
        "port_owner_ignore": ["32768-60999", "udp/5353"],
        "port_owner_all_holders": True,
        "port_owner_listener_source": "proc",
        "port_owner_timeout": 7,
        "port_owner_verbose": True,
        "port_owner_extra_opts": "web@/etc/nagios/extra.ini",
        "port_owner_learn": True,
    }, ["--config", "/etc/nagios/check_port_owner.ini",
        "--port", "80=nginx,apache2", "--port", "udp/53=user:bind",
        "--all-holders", "--critical", "@1:5", "--extra-opts", "web@/etc/nagios/extra.ini",
        "--ignore", "32768-60999", "--ignore", "udp/5353", "--learn",
        "--listener-source", "proc", "--missing", "warning", "--timeout", "7",
        "--unattributed", "ok", "--unexpected", "critical", "--verbose", "--warning", "0"]),
    "verbose-1": ({"port_owner_verbose": 1}, ["--timeout", "10", "--verbose"]),
    "verbose-2": ({"port_owner_verbose": 2}, ["--timeout", "10", "-vv"]),
    "verbose-3": ({"port_owner_verbose": 3}, ["--timeout", "10", "-vvv"]),
    "flags-false": ({"port_owner_all_holders": False, "port_owner_learn": False,
                     "port_owner_verbose": 0}, ["--timeout", "10"]),
}

ARGV_STAND_IN = """#!/usr/bin/python3 -I
import json, sys
print("PORT_OWNER OK - argv " + json.dumps(sys.argv[1:]))
"""


def groups(argv):
    """[['--opt', 'value'], ['--flag'], ...]: options with their value, in order."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] in FLAGS:
            out.append([argv[i]])
            i += 1
        else:
            out.append(argv[i:i + 2])
            i += 2
    return out


# ---------------------------------------------------------------------------------------------
# Nagios and NRPE


def nagios_define_blocks(text, kind):
    blocks = []
    for body in re.findall(r"define\s+" + kind + r"\s*\{(.*?)\}", text, re.S):
        fields = {}
        for line in body.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                key, value = (re.split(r"\s+", line, maxsplit=1) + [""])[:2]
                fields[key] = value.strip()
        blocks.append(fields)
    return blocks


def run_plugin_args(plugin, argv, allow_list, what):
    """The plugin must accept the arguments (no usage error): rules may fail on this machine."""
    argv = [allow_list if a == PACKAGED_ALLOW_LIST else a for a in argv]
    run = subprocess.run([plugin] + argv, capture_output=True, text=True, timeout=60)
    first = run.stdout.split("\n")[0]
    check(first.startswith("PORT_OWNER ") and run.returncode in (0, 1, 2, 3)
          and "usage" not in first.lower() and "option" not in first.lower()
          and not re.search(r"\.ini:\d+:", first),
          f"{what}: the plugin accepts {argv!r} (exit {run.returncode}: {first[:160]!r})",
          run.stderr)


def check_nagios(source, plugin, workdir):
    nagios_dir = os.path.join(source, "plugins", "nagios")
    commands_file = os.path.join(nagios_dir, "check_port_owner.cfg")
    object_files = [commands_file, os.path.join(nagios_dir, "example-services.cfg"),
                    os.path.join(source, "plugins", "nrpe", "nagios-services.cfg")]
    verify = harness.nagios_verify(workdir, object_files)
    output = verify.stdout + verify.stderr
    check(verify.returncode == 0 and re.search(r"Total Errors:\s+0", output)
          and re.search(r"Total Warnings:\s+0", output),
          "nagios4 -v accepts the command definitions and examples, 0 errors, 0 warnings",
          output[-3000:])

    with open(commands_file, encoding="utf-8") as f:
        commands = {b["command_name"]: b["command_line"]
                    for b in nagios_define_blocks(f.read(), "command")}
    check(commands, f"command definitions found: {sorted(commands)}")
    for name, line in commands.items():
        unquoted = re.findall(r"(?<!')\$ARG\d+\$|\$ARG\d+\$(?!')", line)
        check("$ARG" in line and not unquoted,
              f"nagios {name}: every $ARGn$ is quoted: {line}")
        check(line.startswith("$USER1$/check_port_owner "),
              f"nagios {name}: runs $USER1$/check_port_owner")

    # The example services, expanded as Nagios expands them and split as the shell splits them.
    with open(object_files[1], encoding="utf-8") as f:
        services = nagios_define_blocks(f.read(), "service")
    check(services, f"{len(services)} example service(s) in example-services.cfg")
    plugin_dir = os.path.dirname(plugin)
    for service in services:
        name, *args = service["check_command"].split("!")
        line = commands.get(name, "")
        check(bool(line), f"example {service['service_description']!r} uses a defined command")
        line = line.replace("$USER1$", plugin_dir)
        for number, value in enumerate(args, start=1):
            line = line.replace(f"$ARG{number}$", value.replace("$$", "$"))
        check("$" not in line, f"example {service['service_description']!r}: every macro "
                               f"expanded: {line}")
        argv = shlex.split(line)
        run_plugin_args(plugin, argv[1:], os.path.join(source, "packaging", "check_port_owner.ini"),
                        f"nagios example {service['service_description']!r}")


def check_nrpe(source, plugin):
    path = os.path.join(source, "plugins", "nrpe", "check_port_owner.cfg")
    with open(path, encoding="utf-8") as f:
        lines = [line.strip() for line in f if line.strip().startswith("command[")]
    check(lines, f"NRPE command lines found: {len(lines)}")
    for line in lines:
        match = re.fullmatch(r"command\[([A-Za-z0-9_.-]+)\]=(.+)", line)
        if not check(match, f"NRPE line is command[NAME]=COMMAND: {line}"):
            continue
        name, command = match.groups()
        check("$" not in command, f"NRPE {name}: fixed arguments, no $ARGn$ macros")
        argv = shlex.split(command)
        check(argv[0] == NRPE_PLUGIN, f"NRPE {name}: runs {NRPE_PLUGIN}")
        run_plugin_args(plugin, argv[1:], os.path.join(source, "packaging", "check_port_owner.ini"),
                        f"NRPE {name}")


# ---------------------------------------------------------------------------------------------
# Icinga 2


def check_icinga2_validation(source, workdir):
    """daemon -C over the CheckCommand and the examples, as an admin would deploy them."""
    icinga_dir = os.path.join(source, "plugins", "icinga2")
    zones = os.path.join(workdir, "zones.d")
    os.makedirs(os.path.join(zones, "master"))
    shutil.copy(os.path.join(icinga_dir, "example-agent.conf"), os.path.join(zones, "master"))
    os.chmod(workdir, 0o755)
    node = harness.Icinga2(os.path.join(workdir, "validate"), node="master")
    node.write_config(f"""
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include {json.dumps(os.path.join(icinga_dir, "check_port_owner.conf"))}
include {json.dumps(os.path.join(icinga_dir, "example-services.conf"))}
include_zones "examples", {json.dumps(zones)}
""")
    # The node's own Zone is NodeName = "master", the agent example's parent.
    run = node.validate()
    output = run.stdout + run.stderr
    check(run.returncode == 0 and "Finished validating the configuration" in output,
          "icinga2 daemon -C accepts the CheckCommand, example-services.conf and "
          "example-agent.conf (in zones.d/master)", output[-3000:])
    check("warning/" not in output, "icinga2 daemon -C gives no warning",
          "\n".join(line for line in output.splitlines() if "warning/" in line))
    check(re.search(r"Instantiated 3 Services", output),
          "the examples define 3 services (2 local, 1 on the agent)", output[-1500:])


def check_icinga2_argv(source, plugin, workdir, processes):
    contrib = os.path.join(workdir, "contrib")
    os.makedirs(contrib)
    os.chmod(workdir, 0o755)
    os.chmod(contrib, 0o755)
    stand_in = os.path.join(contrib, "check_port_owner")
    with open(stand_in, "w", encoding="utf-8") as f:
        f.write(ARGV_STAND_IN)
    os.chmod(stand_in, 0o755)

    services = []
    for name, (variables, _) in ARGV_CASES.items():
        lines = "\n".join(f"  vars.{key} = {json.dumps(value)}"
                          for key, value in variables.items())
        services.append(f"""object Service {json.dumps(name)} {{
  host_name = "argv-host"
  check_command = "port_owner"
  check_interval = 5s
  retry_interval = 5s
  max_check_attempts = 1
{lines}
}}""")
    node = harness.Icinga2(os.path.join(workdir, "argv"))
    node.write_config(f"""
const PluginContribDir = {json.dumps(contrib)}
include <itl>
include {json.dumps(os.path.join(source, "plugins", "icinga2", "check_port_owner.conf"))}
object CheckerComponent "checker" {{ }}
object Host "argv-host" {{
  check_command = "dummy"
  check_interval = 5m
}}
""" + "\n".join(services), api=True)
    node.make_api_certificate()
    run = node.validate()
    if not check(run.returncode == 0, "icinga2 daemon -C accepts the argv test configuration",
                 (run.stdout + run.stderr)[-3000:]):
        return
    node.start(processes)
    results = node.wait_for_results(list(ARGV_CASES), deadline_s=60)
    if not check(results is not None, "Icinga 2 ran every argv service within 60 s",
                 node.diagnostics()):
        return
    for name, (_, expected) in ARGV_CASES.items():
        result = results[name]["last_check_result"]
        output = result.get("output") or ""
        command = result.get("command") or []
        argv = json.loads(output.split("argv ", 1)[1]) if "argv " in output else None
        check(command[:1] == [stand_in] and argv == command[1:],
              f"icinga2 {name}: ran {stand_in} with the command it reports", f"{command!r}")
        check(argv is not None and sorted(groups(argv)) == sorted(groups(expected)),
              f"icinga2 {name}: argv {argv!r} has exactly {expected!r}")
        if argv:
            first = [g[0] for g in groups(argv)][:2]
            wanted = [o for o in ("--config", "--port") if o in argv]
            check(first[:len(wanted)] == wanted,
                  f"icinga2 {name}: --config then --port come first ({first})")

    # The CheckCommand as Icinga 2 compiled it.
    attrs = node.api("/v1/objects/checkcommands/port_owner?attrs=arguments&attrs=timeout"
                     "&attrs=vars&attrs=command")["results"][0]["attrs"]
    arguments = attrs["arguments"]
    help_text = subprocess.run([plugin, "--help"], capture_output=True, text=True,
                               timeout=30).stdout
    options = sorted(set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help", "--version"})
    check(len(options) >= 14, f"--help lists the long options: {options}")
    for option in options:
        check(option in arguments, f"CheckCommand has the argument {option}")
        var = "port_owner_" + option[2:].replace("-", "_")
        argument = arguments.get(option, {})
        uses = json.dumps(argument)
        check(var in uses or option == "--verbose" and "port_owner_verbose" in uses,
              f"CheckCommand {option} uses ${var}$")
    for key, argument in arguments.items():
        check(isinstance(argument, dict) and argument.get("description"),
              f"CheckCommand argument {key} has a description")
        if key in FLAGS:
            check("set_if" in argument and "value" not in argument,
                  f"CheckCommand flag {key} uses set_if and no value")
    for key in ("--port", "--ignore"):
        check(arguments.get(key, {}).get("repeat_key") is True,
              f"CheckCommand {key} has repeat_key = true")
    plugin_timeout = attrs["vars"].get("port_owner_timeout")
    check(isinstance(plugin_timeout, (int, float)) and attrs["timeout"] > plugin_timeout,
          f"the CheckCommand's timeout {attrs['timeout']} s is above port_owner_timeout "
          f"{plugin_timeout} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--plugin", required=True, help="the built check_port_owner")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    for binary, package in ((harness.NAGIOS_BINARY, "nagios4-core"),
                            (harness.ICINGA2_BINARY, "icinga2-bin icinga2-common")):
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"{binary} is missing: apt-get install {package}")
    harness.enter_private_network_namespace(__file__)
    source, plugin = os.path.abspath(args.source_dir), os.path.abspath(args.plugin)

    workdir = tempfile.mkdtemp(prefix="engine-configs-", dir="/tmp")
    os.chmod(workdir, 0o755)
    processes = harness.Processes()
    previous_term = signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    started = time.monotonic()
    try:
        check_nagios(source, plugin, os.path.join(workdir, "nagios-check"))
        check_nrpe(source, plugin)
        os.makedirs(os.path.join(workdir, "icinga-validate"))
        check_icinga2_validation(source, os.path.join(workdir, "icinga-validate"))
        os.makedirs(os.path.join(workdir, "icinga-argv"))
        check_icinga2_argv(source, plugin, os.path.join(workdir, "icinga-argv"), processes)
    finally:
        processes.stop_all()
        signal.signal(signal.SIGTERM, previous_term)
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    log(f"done in {time.monotonic() - started:.1f} s")
    return checks.summary()


if __name__ == "__main__":
    sys.exit(main())
