# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared library of the Python test suites (contract, engines, webview, package, bench).

- netns: a private network namespace for the test process and its children, and others beside
  it (a second machine) joined by veth.
- mountns: a private mount namespace where the test's directories stand in for system paths.
- processes: daemons started in their own session and stopped by pid, port holders, waiting.
- plugin: running check_port_owner (also as another user), its output and perfdata, the file
  capabilities the packages grant it.
- engines: what Nagios 4 and Icinga 2 have in common here: the engine user, directories it can
  reach, a notification command that logs to a file, check results in one shape.
- nagios: a Nagios 4 started in a temporary directory, its status.dat.
- icinga2: an Icinga 2 node started in a temporary directory, and its REST API client.
- icinga2_cluster: the nodes of a distributed Icinga 2 (master, agent) and their certificates.
- assertions: checks on plugin output shared by several suites.

Standard library only: the suites run with Debian's python3 and python3-pytest.
"""
import os

# The root of the source tree (plugins/, packaging/, tests/).
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
