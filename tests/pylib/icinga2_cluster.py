# SPDX-License-Identifier: GPL-3.0-or-later
"""Icinga 2 nodes of a distributed setup (a master and its agents), each in a temporary
directory with nothing from /etc/icinga2, and their certificates made with `icinga2 pki` as
Icinga's documentation describes: the master's CA, and for an agent a certificate request the
master signs on a ticket (CSR auto-signing) over the network.
"""
import os
import shutil
import subprocess

from pylib.engines import owned_dir
from pylib.icinga2 import API_PERMISSIONS, API_PORT, API_USER, API_PASSWORD, ICINGA2_BINARY
from pylib.icinga2 import Icinga2, Icinga2Api


class ClusterNode(Icinga2):
    """An Icinga 2 node whose configuration declares its own Endpoint and Zones (the examples'
    zones.conf), with a certificate signed by the master's CA. Started as the nagios user, like
    the standalone node of pylib.icinga2."""

    def __init__(self, home, node):
        super().__init__(home, node)
        self.certs = owned_dir(os.path.join(self.dirs["data"], "certs"))
        self.key = os.path.join(self.certs, f"{node}.key")
        self.cert = os.path.join(self.certs, f"{node}.crt")
        self.ca = os.path.join(self.certs, "ca.crt")

    def cli(self, *args, timeout=60):
        """`icinga2 ARGS` with this node's directories (a pki command); its output, or
        RuntimeError."""
        run = subprocess.run([ICINGA2_BINARY] + list(args) + self.defines, capture_output=True,
                             text=True, timeout=timeout, env=self.env)
        if run.returncode != 0:
            raise RuntimeError(f"icinga2 {' '.join(args)} failed:\n{run.stdout}{run.stderr}")
        return run.stdout

    def write_config(self, body, api_user=False):
        """The node's icinga2.conf: a file logger, the body (zones, ApiListener, objects) and,
        with api_user, the read-only ApiUser of the tests (the REST API on 127.0.0.1)."""
        user = ""
        if api_user:
            permissions = ", ".join(f'"{p}"' for p in API_PERMISSIONS)
            user = f"""object ApiUser "{API_USER}" {{
  password = "{API_PASSWORD}"
  permissions = [ {permissions} ]
}}
"""
            self.api = Icinga2Api(self.ca, API_PORT)
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""// check_port_owner test: node {self.node} of a distributed setup.
object FileLogger "test-log" {{
  path = LogDir + "/icinga2.log"
  severity = "notice"
}}
{user}
{body}
""")
        os.chmod(self.conf, 0o644)

    # --- certificates, as the documentation's manual setup makes them -----------------------

    def make_master_certificate(self):
        """The CA (DataDir/ca) and the master's certificate signed by it, in DataDir/certs."""
        csr = os.path.join(self.certs, f"{self.node}.csr")
        self.cli("pki", "new-ca")
        self.cli("pki", "new-cert", "--cn", self.node, "--key", self.key, "--csr", csr)
        self.cli("pki", "sign-csr", "--csr", csr, "--cert", self.cert)
        shutil.copyfile(os.path.join(self.dirs["data"], "ca", "ca.crt"), self.ca)

    def ticket(self, common_name, salt):
        """`icinga2 pki ticket` on the master: the ticket an agent signs its request with."""
        return self.cli("pki", "ticket", "--cn", common_name, "--salt", salt).strip()

    def request_agent_certificate(self, parent_host, ticket):
        """On the agent, with the master running: a self-signed key pair, the master's
        certificate fetched and trusted, then the request the master signs on the ticket. Run
        from the agent's network namespace. Returns the trusted parent certificate's path."""
        trusted = os.path.join(self.certs, "trusted-parent.crt")
        self.cli("pki", "new-cert", "--cn", self.node, "--key", self.key, "--cert", self.cert)
        self.cli("pki", "save-cert", "--host", parent_host, "--port", str(API_PORT),
                 "--trustedcert", trusted)
        self.cli("pki", "request", "--host", parent_host, "--port", str(API_PORT), "--ticket",
                 ticket, "--key", self.key, "--cert", self.cert, "--trustedcert", trusted,
                 "--ca", self.ca)
        return trusted
