# SPDX-License-Identifier: GPL-3.0-or-later
"""A MariaDB server (Debian's mariadb-server) in a temporary directory, nothing from /etc/mysql:
its data directory made by mariadb-install-db, the server on 127.0.0.1, and SQL run through its
socket as root. The database of Icinga 2's IDO lives here. Run under eatmydata (no fsync): the
data is thrown away with the test."""
import os
import pwd
import subprocess

from pylib.engines import tail
from pylib.processes import wait_until

MARIADB_USER = "mysql"  # the user Debian's package runs the server as
INSTALL_DB = "/usr/bin/mariadb-install-db"
SERVER = "/usr/sbin/mariadbd"
CLIENT = "/usr/bin/mariadb"
EATMYDATA = "/usr/bin/eatmydata"
PORT = 3306


class MariaDB:
    def __init__(self, home):
        self.home = home
        self.datadir = os.path.join(home, "data")
        self.socket = os.path.join(home, "mysqld.sock")
        self.log = os.path.join(home, "server.log")
        self.process = None

    def _server_options(self):
        # --no-defaults: nothing from /etc/mysql. Small buffers, no binary log, no fsync: a test
        # database that dies with the test. The fsyncs go through eatmydata (synchronous I/O, so
        # that they are calls it can catch): the IDO schema's 200 DDL statements then take a
        # second instead of 13 s on this disk.
        return ["--no-defaults", f"--datadir={self.datadir}", f"--socket={self.socket}",
                f"--user={MARIADB_USER}", "--bind-address=127.0.0.1", f"--port={PORT}",
                f"--pid-file={os.path.join(self.home, 'mysqld.pid')}",
                "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=8M",
                "--innodb-flush-log-at-trx-commit=0", "--innodb-doublewrite=0",
                "--innodb-use-native-aio=0",
                "--skip-log-bin", "--skip-name-resolve"]

    def start(self, processes):
        # The server (as MARIADB_USER) creates its socket and pid file here.
        user = pwd.getpwnam(MARIADB_USER)
        os.makedirs(self.home, exist_ok=True)
        os.chown(self.home, user.pw_uid, user.pw_gid)
        os.chmod(self.home, 0o755)
        run = subprocess.run([EATMYDATA, INSTALL_DB, "--no-defaults", f"--datadir={self.datadir}",
                              f"--user={MARIADB_USER}", "--skip-test-db",
                              "--auth-root-authentication-method=socket"],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed: {run.stdout}{run.stderr}")
        with open(self.log, "wb") as out:
            self.process = processes.start("mariadbd",
                                           [EATMYDATA, SERVER] + self._server_options(),
                                           stdin=subprocess.DEVNULL, stdout=out,
                                           stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s):
        def probe():
            if self.process.poll() is not None:
                return "exited"
            return self.sql("SELECT 1", check=False).returncode == 0
        return wait_until(timeout_s, probe) is True

    def sql(self, statements, database=None, check=True):
        """Runs SQL as root through the socket; the CompletedProcess (text)."""
        argv = [CLIENT, "--no-defaults", f"--socket={self.socket}", "-uroot", "--batch"]
        if database:
            argv.append(database)
        run = subprocess.run(argv, input=statements, capture_output=True, text=True, timeout=120)
        if check and run.returncode != 0:
            raise RuntimeError(f"SQL failed: {run.stderr}\n{statements[:500]}")
        return run

    def create_database(self, name, user, password, schema=None):
        """A database, a user allowed everything on it from 127.0.0.1, and a schema file loaded
        into it."""
        self.sql(f"CREATE DATABASE {name};\n"
                 f"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';\n"
                 f"GRANT ALL ON {name}.* TO '{user}'@'127.0.0.1';\n")
        if schema:
            with open(schema, encoding="utf-8") as f:
                self.sql(f.read(), database=name)

    def diagnostics(self):
        status = self.process.poll() if self.process else None
        return f"mariadbd exit status: {status}\n--- server log\n{tail(self.log)}"
