# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine definitions of plugins/, checked with the real engines (Debian's nagios4-core and
icinga2) from the source tree, without installing anything.

- Nagios: `nagios4 -v` accepts plugins/nagios/*.cfg and plugins/nrpe/nagios-services.cfg with
  no error and no warning; every $ARGn$ of a command_line is quoted; each example service's
  command line, expanded as Nagios would and split as a shell would, is accepted by the plugin.
- NRPE: every command[...] line has fixed arguments (no $) and the plugin accepts them.
- Icinga 2: `icinga2 daemon -C` accepts the CheckCommand and the examples (the agent example in
  a zones.d/master tree, as documented). Then an Icinga 2, whose PluginContribDir holds a
  stand-in check_port_owner that prints its argv, runs services with every port_owner_*
  variable: the argv must be exactly the expected options. Its API also shows the
  CheckCommand: every long option of `check_port_owner --help` is an argument with a
  description, flags use set_if, --port/--ignore repeat_key, and the command's timeout is
  above the plugin's.
- Icinga 2 on Windows agents: `icinga2 daemon -C` accepts the CheckCommand port_owner_windows in
  a global zone and the Windows agent example in zones.d/master. The same running Icinga 2 runs
  every argv case through port_owner_windows (its plugin path pointed at the stand-in): the argv
  is that of port_owner without --listener-source. Its arguments are port_owner's but that one,
  with the same order, set_if and repeat_key.
- NSClient++: nsclient.ini is a well-formed INI file (no duplicate section or key), relaxes
  nothing ("allow arguments", "allow nasty characters"), its commands take no $ARGn$, run the
  plugin where the MSI installs it, and their arguments are accepted by the plugin (the
  allow-list path mapped to the source tree's example). They run under wine with the installed
  plugin in tests/windows/msi/test_packages.sh.

Root (the engines drop to the nagios user); the module runs in a private network namespace
(the API binds 127.0.0.1:5665 there).
"""
import configparser
import json
import os
import re
import shlex
import shutil
import subprocess

import pytest

from pylib import SOURCE_DIR
from pylib import plugin as check_port_owner
from pylib.engines import wait_for_results
from pylib.icinga2 import ICINGA2_BINARY, Icinga2
from pylib.nagios import NAGIOS_BINARY, Nagios4
from pylib.processes import require_programs

pytestmark = pytest.mark.usefixtures("module_netns")

PLUGINS = os.path.join(SOURCE_DIR, "plugins")
NAGIOS_COMMANDS = os.path.join(PLUGINS, "nagios", "check_port_owner.cfg")
NAGIOS_EXAMPLES = os.path.join(PLUGINS, "nagios", "example-services.cfg")
NRPE_SERVICES = os.path.join(PLUGINS, "nrpe", "nagios-services.cfg")
NRPE_COMMANDS = os.path.join(PLUGINS, "nrpe", "check_port_owner.cfg")
ICINGA_COMMAND = os.path.join(PLUGINS, "icinga2", "check_port_owner.conf")
ICINGA_WINDOWS_COMMAND = os.path.join(PLUGINS, "icinga2", "check_port_owner_windows.conf")
ICINGA_WINDOWS_AGENT = os.path.join(PLUGINS, "icinga2", "example-windows-agent.conf")
NSCLIENT_INI = os.path.join(PLUGINS, "nsclient", "nsclient.ini")
SOURCE_ALLOW_LIST = os.path.join(SOURCE_DIR, "packaging", "check_port_owner.ini")
NRPE_PLUGIN = "/usr/lib/nagios/plugins/check_port_owner"
PACKAGED_ALLOW_LIST = "/etc/nagios/check_port_owner.ini"
# Where the MSI installs the plugin (packaging/windows/check_port_owner.wxs), and the allow-list
# the Windows documentation writes.
WINDOWS_PLUGIN = r"C:\Program Files\check_port_owner\check_port_owner.exe"
WINDOWS_ALLOW_LIST = r"C:\ProgramData\check_port_owner\check_port_owner.ini"
# Options port_owner has and port_owner_windows does not: Windows has one listener source.
LINUX_ONLY_OPTIONS = {"--listener-source"}
FLAGS = {"--all-holders", "--learn", "--verbose", "-vv", "-vvv"}
RESULT_TIMEOUT_S = 60.0

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

# The Windows CheckCommand's services: the same cases, named win-*, with the plugin path pointed
# at the stand-in; the argv is the same without the Linux-only options.
WINDOWS_PREFIX = "win-"


def without_linux_only(argv):
    out, i = [], 0
    while i < len(argv):
        if argv[i] in LINUX_ONLY_OPTIONS:
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


WINDOWS_ARGV_CASES = {
    WINDOWS_PREFIX + name: ({key: value for key, value in variables.items()
                             if key != "port_owner_listener_source"},
                            without_linux_only(expected))
    for name, (variables, expected) in ARGV_CASES.items()}

ARGV_STAND_IN = """#!/usr/bin/python3 -I
import json, sys
print("PORT_OWNER OK - argv " + json.dumps(sys.argv[1:]))
"""


@pytest.fixture(scope="module", autouse=True)
def engines():
    require_programs([NAGIOS_BINARY, ICINGA2_BINARY], "nagios4-core icinga2-bin icinga2-common")


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


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


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


# Read when the tests are collected: each definition is a test of its own.
COMMANDS = {b["command_name"]: b["command_line"]
            for b in nagios_define_blocks(read(NAGIOS_COMMANDS), "command")}
EXAMPLE_SERVICES = {b["service_description"]: b["check_command"]
                    for b in nagios_define_blocks(read(NAGIOS_EXAMPLES), "service")}
NRPE_LINES = [line.strip() for line in read(NRPE_COMMANDS).splitlines()
              if line.strip().startswith("command[")]


def assert_plugin_accepts(plugin, argv):
    """No usage error: the rules themselves may fail on this machine."""
    argv = [SOURCE_ALLOW_LIST if a in (PACKAGED_ALLOW_LIST, WINDOWS_ALLOW_LIST) else a
            for a in argv]
    result = check_port_owner.run(plugin, argv)
    first = result.first_line
    assert first.startswith("PORT_OWNER ") and result.code in (0, 1, 2, 3), result.stdout
    assert "usage" not in first.lower() and "option" not in first.lower() \
        and not re.search(r"\.ini:\d+:", first), f"the plugin rejects {argv!r}: {first!r}"


# --- Nagios and NRPE -------------------------------------------------------------------------


def test_nagios_accepts_the_definitions_without_warning(module_workdir):
    nagios = Nagios4(os.path.join(module_workdir, "nagios"))
    nagios.write_config([NAGIOS_COMMANDS, NAGIOS_EXAMPLES, NRPE_SERVICES], debian_templates=True)
    verify = nagios.verify()
    output = verify.stdout + verify.stderr
    assert verify.returncode == 0 and re.search(r"Total Errors:\s+0", output) \
        and re.search(r"Total Warnings:\s+0", output), output[-3000:]


def test_definitions_found():
    assert COMMANDS and EXAMPLE_SERVICES and NRPE_LINES


@pytest.mark.parametrize("name", COMMANDS)
def test_nagios_command_quotes_every_argument(name):
    line = COMMANDS[name]
    unquoted = re.findall(r"(?<!')\$ARG\d+\$|\$ARG\d+\$(?!')", line)
    assert "$ARG" in line and not unquoted, line
    assert line.startswith("$USER1$/check_port_owner ")


@pytest.mark.parametrize("description", EXAMPLE_SERVICES)
def test_nagios_example_runs(description, plugin):
    """The example's command line, expanded as Nagios expands it, split as the shell splits it."""
    name, *args = EXAMPLE_SERVICES[description].split("!")
    assert name in COMMANDS, "the example uses an undefined command"
    line = COMMANDS[name].replace("$USER1$", os.path.dirname(plugin))
    for number, value in enumerate(args, start=1):
        line = line.replace(f"$ARG{number}$", value.replace("$$", "$"))
    assert "$" not in line, f"a macro is left: {line}"
    assert_plugin_accepts(plugin, shlex.split(line)[1:])


@pytest.mark.parametrize("line", NRPE_LINES)
def test_nrpe_command(line, plugin):
    match = re.fullmatch(r"command\[([A-Za-z0-9_.-]+)\]=(.+)", line)
    assert match, "not command[NAME]=COMMAND"
    command = match.group(2)
    assert "$" not in command, "NRPE takes fixed arguments, no $ARGn$ macros"
    argv = shlex.split(command)
    assert argv[0] == NRPE_PLUGIN
    assert_plugin_accepts(plugin, argv[1:])


# --- Icinga 2: validation --------------------------------------------------------------------


@pytest.fixture(scope="module")
def icinga_validation(module_workdir):
    """daemon -C over the CheckCommand and the examples, as an admin would deploy them."""
    icinga_dir = os.path.join(PLUGINS, "icinga2")
    zones = os.path.join(module_workdir, "zones.d")
    os.makedirs(os.path.join(zones, "master"))
    shutil.copy(os.path.join(icinga_dir, "example-agent.conf"), os.path.join(zones, "master"))
    # The node's own Zone is NodeName = "master", the agent example's parent.
    node = Icinga2(os.path.join(module_workdir, "icinga-validate"), node="master")
    node.write_config(f"""
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include {json.dumps(ICINGA_COMMAND)}
include {json.dumps(os.path.join(icinga_dir, "example-services.conf"))}
include_zones "examples", {json.dumps(zones)}
""", api=False)
    run = node.validate()
    return run.returncode, run.stdout + run.stderr


def test_icinga_accepts_the_command_and_examples(icinga_validation):
    code, output = icinga_validation
    assert code == 0 and "Finished validating the configuration" in output, output[-3000:]


def test_icinga_gives_no_warning(icinga_validation):
    _, output = icinga_validation
    assert not [line for line in output.splitlines() if "warning/" in line]


def test_icinga_examples_define_three_services(icinga_validation):
    """2 local, 1 on the agent."""
    _, output = icinga_validation
    assert re.search(r"Instantiated 3 Services", output), output[-1500:]


# --- Icinga 2: the argv the CheckCommand builds ----------------------------------------------


def argv_services(stand_in):
    services = []
    cases = [(name, variables, "port_owner", {}) for name, (variables, _) in ARGV_CASES.items()]
    cases += [(name, variables, "port_owner_windows", {"port_owner_windows_plugin": stand_in})
              for name, (variables, _) in WINDOWS_ARGV_CASES.items()]
    for name, variables, command, extra in cases:
        lines = "\n".join(f"  vars.{key} = {json.dumps(value)}"
                          for key, value in {**variables, **extra}.items())
        services.append(f"""object Service {json.dumps(name)} {{
  host_name = "argv-host"
  check_command = {json.dumps(command)}
  check_interval = 5s
  retry_interval = 5s
  max_check_attempts = 1
{lines}
}}""")
    return "\n".join(services)


@pytest.fixture(scope="module")
def stand_in(module_workdir):
    """A check_port_owner that prints its argv, in a PluginContribDir of its own."""
    contrib = os.path.join(module_workdir, "contrib")
    os.makedirs(contrib, mode=0o755)
    path = os.path.join(contrib, "check_port_owner")
    with open(path, "w", encoding="utf-8") as f:
        f.write(ARGV_STAND_IN)
    os.chmod(path, 0o755)
    return path


@pytest.fixture(scope="module")
def argv_node(stand_in, module_workdir, module_processes):
    """Icinga 2 running every argv service once; their results."""
    node = Icinga2(os.path.join(module_workdir, "icinga-argv"))
    node.write_config(f"""
const PluginContribDir = {json.dumps(os.path.dirname(stand_in))}
include <itl>
include {json.dumps(ICINGA_COMMAND)}
include {json.dumps(ICINGA_WINDOWS_COMMAND)}
object CheckerComponent "checker" {{ }}
object Host "argv-host" {{
  check_command = "dummy"
  check_interval = 5m
}}
""" + argv_services(stand_in))
    run = node.validate()
    assert run.returncode == 0, "icinga2 daemon -C rejects the argv test configuration:\n" + \
        (run.stdout + run.stderr)[-3000:]
    node.start(module_processes)
    results = wait_for_results(node, list(ARGV_CASES) + list(WINDOWS_ARGV_CASES),
                               RESULT_TIMEOUT_S)
    assert results is not None, f"Icinga 2 did not run every argv service within " \
        f"{RESULT_TIMEOUT_S:.0f} s\n{node.diagnostics()}"
    return node, results


@pytest.mark.parametrize("name", list(ARGV_CASES) + list(WINDOWS_ARGV_CASES))
def test_check_command_argv(name, argv_node, stand_in):
    result = argv_node[1][name]
    output = "\n".join([result.first_line] + result.long_lines)
    argv = json.loads(output.split("argv ", 1)[1]) if "argv " in output else None
    assert result.command[:1] == [stand_in] and argv == result.command[1:], \
        "the stand-in did not get the command Icinga 2 reports"
    expected = {**ARGV_CASES, **WINDOWS_ARGV_CASES}[name][1]
    assert sorted(groups(argv)) == sorted(groups(expected))
    first = [group[0] for group in groups(argv)][:2]
    wanted = [option for option in ("--config", "--port") if option in argv]
    assert first[:len(wanted)] == wanted, "--config then --port do not come first"


@pytest.fixture(scope="module")
def check_command(argv_node):
    """The CheckCommand port_owner as Icinga 2 compiled it."""
    return argv_node[0].api.objects("checkcommands", ("arguments", "timeout", "vars", "command"),
                                    name="port_owner")[0]


@pytest.fixture(scope="module")
def long_options(plugin):
    help_text = subprocess.run([plugin, "--help"], capture_output=True, text=True,
                               timeout=30).stdout
    return sorted(set(re.findall(r"(--[a-z][a-z-]+)", help_text)) - {"--help", "--version"})


def test_help_lists_the_long_options(long_options):
    assert len(long_options) >= 14, long_options


def test_every_long_option_is_an_argument(check_command, long_options):
    arguments = check_command["arguments"]
    missing = [option for option in long_options if option not in arguments]
    assert not missing
    # Each uses its variable, $port_owner_<option>$.
    unused = [option for option in long_options
              if "port_owner_" + option[2:].replace("-", "_") not in json.dumps(arguments[option])
              and not (option == "--verbose" and "port_owner_verbose" in json.dumps(
                  arguments[option]))]
    assert not unused, "arguments that do not use their port_owner_ variable"


def test_every_argument_has_a_description(check_command):
    arguments = check_command["arguments"]
    assert not [key for key, argument in arguments.items()
                if not isinstance(argument, dict) or not argument.get("description")]


def test_flags_use_set_if(check_command):
    arguments = check_command["arguments"]
    assert not [key for key, argument in arguments.items() if key in FLAGS
                and ("set_if" not in argument or "value" in argument)]


@pytest.mark.parametrize("option", ["--port", "--ignore"])
def test_repeated_options_repeat_the_key(check_command, option):
    assert check_command["arguments"].get(option, {}).get("repeat_key") is True


def test_command_timeout_is_above_the_plugins(check_command):
    plugin_timeout = check_command["vars"].get("port_owner_timeout")
    assert isinstance(plugin_timeout, (int, float))
    assert check_command["timeout"] > plugin_timeout


@pytest.fixture(scope="module")
def windows_check_command(argv_node):
    """The CheckCommand port_owner_windows as Icinga 2 compiled it."""
    return argv_node[0].api.objects("checkcommands", ("arguments", "timeout", "vars", "command"),
                                    name="port_owner_windows")[0]


def test_windows_command_has_the_linux_arguments(windows_check_command, check_command):
    """One allow-list, one set of variables: a service moves between Linux and Windows hosts by
    its check_command alone."""
    linux = check_command["arguments"]
    windows = windows_check_command["arguments"]
    assert sorted(windows) == sorted(set(linux) - LINUX_ONLY_OPTIONS)
    for option, argument in windows.items():
        for key in ("value", "set_if", "repeat_key", "order"):
            assert argument.get(key) == linux[option].get(key), (option, key)
        assert argument.get("description"), option


def test_windows_command_runs_the_msi_plugin(windows_check_command):
    assert windows_check_command["command"] == ["$port_owner_windows_plugin$"]
    assert windows_check_command["vars"]["port_owner_windows_plugin"] == WINDOWS_PLUGIN
    plugin_timeout = windows_check_command["vars"].get("port_owner_timeout")
    assert isinstance(plugin_timeout, (int, float))
    assert windows_check_command["timeout"] > plugin_timeout


# --- Icinga 2 on Windows agents: validation --------------------------------------------------


@pytest.fixture(scope="module")
def icinga_windows_validation(module_workdir):
    """daemon -C over the Windows files as the documentation deploys them: the CheckCommand in
    the global zone global-templates, the agent example in zones.d/master."""
    zones = os.path.join(module_workdir, "windows-zones.d")
    for zone, source in (("global-templates", ICINGA_WINDOWS_COMMAND),
                         ("master", ICINGA_WINDOWS_AGENT)):
        os.makedirs(os.path.join(zones, zone))
        shutil.copy(source, os.path.join(zones, zone))
    node = Icinga2(os.path.join(module_workdir, "icinga-validate-windows"), node="master")
    node.write_config(f"""
const PluginDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
object Zone "global-templates" {{ global = true }}
include_zones "examples", {json.dumps(zones)}
""", api=False)
    run = node.validate()
    return run.returncode, run.stdout + run.stderr


def test_icinga_accepts_the_windows_command_and_example(icinga_windows_validation):
    code, output = icinga_windows_validation
    assert code == 0 and "Finished validating the configuration" in output, output[-3000:]


def test_icinga_windows_files_give_no_warning(icinga_windows_validation):
    _, output = icinga_windows_validation
    assert not [line for line in output.splitlines() if "warning/" in line]


def test_icinga_windows_example_defines_two_services(icinga_windows_validation):
    """The allow-list service and the seed scenario's, both on the agent."""
    _, output = icinga_windows_validation
    assert re.search(r"Instantiated 2 Services", output), output[-1500:]


# --- NSClient++ ------------------------------------------------------------------------------


def read_nsclient_ini():
    # NSClient++ keys contain blanks and values backslashes and quotes: no interpolation.
    # strict: a duplicate section or key is an error, as a second definition of a command
    # would silently replace the first.
    parser = configparser.ConfigParser(interpolation=None, strict=True,
                                       comment_prefixes=(";", "#"), delimiters=("=",))
    parser.optionxform = str  # key case as written
    with open(NSCLIENT_INI, encoding="utf-8") as f:
        parser.read_file(f)
    return parser


NSCLIENT_SCRIPTS = "/settings/external scripts/scripts"
NSCLIENT_COMMANDS = dict(read_nsclient_ini()[NSCLIENT_SCRIPTS])


def split_windows_command(line):
    """Arguments of a Windows command line whose quotes surround whole arguments (the only kind
    nsclient.ini has: a path with blanks)."""
    assert re.fullmatch(r'(\s*("[^"]*"|[^\s"]+))*\s*', line), f"other quoting in {line!r}"
    return [quoted or bare for quoted, bare in re.findall(r'"([^"]*)"|(\S+)', line)]


def test_nsclient_ini_enables_external_scripts():
    parser = read_nsclient_ini()
    assert parser["/modules"].get("CheckExternalScripts") == "enabled"
    assert len(NSCLIENT_COMMANDS) >= 3


def test_nsclient_ini_relaxes_nothing():
    """Fixed arguments: whoever reaches NSClient++ cannot choose rules or files."""
    parser = read_nsclient_ini()
    for section in parser.sections():
        for key, value in parser[section].items():
            assert key.lower() not in ("allow arguments", "allow nasty characters"), \
                f"[{section}] {key} = {value}"
    for name, command in NSCLIENT_COMMANDS.items():
        assert "$" not in command and "%" not in command, f"{name} takes arguments: {command}"


@pytest.mark.parametrize("name", NSCLIENT_COMMANDS)
def test_nsclient_command(name, plugin):
    assert re.fullmatch(r"[a-z0-9_]+", name)
    argv = split_windows_command(NSCLIENT_COMMANDS[name])
    assert argv[0] == WINDOWS_PLUGIN, "not the plugin the MSI installs"
    for option, value in zip(argv, argv[1:]):
        if option in ("-C", "--config"):
            assert value == WINDOWS_ALLOW_LIST, "not the documented allow-list"
    assert_plugin_accepts(plugin, argv[1:])
