# SPDX-License-Identifier: GPL-3.0-or-later
"""Graphite (Debian's graphite-carbon and graphite-web) in a temporary directory, nothing from
/etc/carbon or /etc/graphite: carbon-cache receiving Icinga 2's GraphiteWriter on 127.0.0.1:2003
and writing whisper files, and graphite-web's Django application (its settings, database and WSGI
script here; Apache's mod_wsgi serves it, see apache.py) rendering them."""
import json
import os
import pwd
import subprocess
import urllib.parse
import urllib.request

from pylib.engines import tail

GRAPHITE_USER = "_graphite"  # the user both Debian packages run as
CARBON_CACHE = "/usr/bin/carbon-cache"
DJANGO_ADMIN = "/usr/bin/django-admin"
CARBON_PORT = 2003
WEB_PORT = 8080
# Every metric of the test at the check interval (2 s) for an hour: the graph shows each result.
RETENTIONS = "2s:1h,1m:1d"


def _owned(path, user):
    os.makedirs(path, exist_ok=True)
    os.chown(path, user.pw_uid, user.pw_gid)
    os.chmod(path, 0o755)
    return path


class Graphite:
    def __init__(self, home):
        self.user = pwd.getpwnam(GRAPHITE_USER)
        self.home = _owned(home, self.user)
        self.storage = _owned(os.path.join(home, "storage"), self.user)
        self.whisper = _owned(os.path.join(self.storage, "whisper"), self.user)
        self.logs = _owned(os.path.join(self.storage, "log"), self.user)
        self.carbon_conf = os.path.join(home, "carbon.conf")
        self.console = os.path.join(home, "carbon-console.log")
        self.wsgi_script = os.path.join(home, "graphite.wsgi")
        self.process = None

    def write_config(self):
        with open(self.carbon_conf, "w", encoding="utf-8") as f:
            f.write(f"""[cache]
STORAGE_DIR = {self.storage}/
LOCAL_DATA_DIR = {self.whisper}/
WHITELISTS_DIR = {self.storage}/lists/
LOG_DIR = {self.logs}/
PID_DIR = {self.home}/
USER = {GRAPHITE_USER}
ENABLE_LOGROTATION = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = {CARBON_PORT}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = 2004
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = 7002
CACHE_WRITE_STRATEGY = sorted
WHISPER_AUTOFLUSH = True
# No tag database: it would be graphite-web on port 80, which is Icinga Web 2 here.
ENABLE_TAGS = False
""")
        with open(os.path.join(self.home, "storage-schemas.conf"), "w", encoding="utf-8") as f:
            f.write(f"[everything]\npattern = .*\nretentions = {RETENTIONS}\n")
        with open(os.path.join(self.home, "storage-aggregation.conf"), "w",
                  encoding="utf-8") as f:
            f.write("[default]\npattern = .*\nxFilesFactor = 0\naggregationMethod = max\n")
        # graphite-web: its settings module (graphite.settings imports the module named by
        # GRAPHITE_SETTINGS_MODULE) and a WSGI script that points at it.
        with open(os.path.join(self.home, "webview_graphite_settings.py"), "w",
                  encoding="utf-8") as f:
            f.write(f"""SECRET_KEY = "check-port-owner-test-not-secret"
ALLOWED_HOSTS = ["*"]
TIME_ZONE = "UTC"
GRAPHITE_ROOT = "/usr/share/graphite-web"
STATIC_ROOT = "/usr/share/graphite-web/static"
CONF_DIR = {self.home!r}
STORAGE_DIR = {self.storage!r}
WHISPER_DIR = {self.whisper + "/"!r}
LOG_DIR = {self.logs!r}
INDEX_FILE = {os.path.join(self.storage, "index")!r}
CARBONLINK_HOSTS = ["127.0.0.1:7002"]
LOG_ROTATION = False
DEFAULT_XFILES_FACTOR = 0
FUNCTION_PLUGINS = []
DATABASES = {{"default": {{"NAME": {os.path.join(self.storage, "graphite.db")!r},
                          "ENGINE": "django.db.backends.sqlite3"}}}}
""")
        with open(self.wsgi_script, "w", encoding="utf-8") as f:
            f.write(f"""import os, sys
sys.path.insert(0, {self.home!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "graphite.settings"
os.environ["GRAPHITE_SETTINGS_MODULE"] = "webview_graphite_settings"
from django.core.wsgi import get_wsgi_application
application = get_wsgi_application()
""")
        self._migrate()

    def _environment(self):
        return dict(os.environ, PYTHONPATH=self.home, DJANGO_SETTINGS_MODULE="graphite.settings",
                    GRAPHITE_SETTINGS_MODULE="webview_graphite_settings")

    def _migrate(self):
        """graphite-web's database (sessions, users, saved graphs), as the web user."""
        run = subprocess.run(["setpriv", f"--reuid={self.user.pw_uid}",
                              f"--regid={self.user.pw_gid}", "--init-groups", "--",
                              DJANGO_ADMIN, "migrate", "--run-syncdb", "--noinput"],
                             capture_output=True, text=True, timeout=300,
                             env=self._environment(), cwd=self.home)
        if run.returncode != 0:
            raise RuntimeError(f"graphite-web's django-admin migrate failed: "
                               f"{run.stdout}{run.stderr}")

    def start(self, processes):
        # --debug: in the foreground, so the test owns the process (stopped by pid).
        with open(self.console, "wb") as out:
            self.process = processes.start(
                "carbon-cache", [CARBON_CACHE, f"--config={self.carbon_conf}", "--debug",
                                 "start"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        return self.process

    def whisper_file(self, metric):
        return os.path.join(self.whisper, *metric.split(".")) + ".wsp"

    def render_json(self, target, since="-1h"):
        """graphite-web's render API: [{"target": ..., "datapoints": [[value, time], ...]}]."""
        query = urllib.parse.urlencode({"target": target, "from": since, "format": "json"})
        with urllib.request.urlopen(f"http://127.0.0.1:{WEB_PORT}/render?{query}",
                                    timeout=30) as response:
            return json.load(response)

    def diagnostics(self):
        status = self.process.poll() if self.process else None
        return (f"carbon-cache exit status: {status}\n--- console\n{tail(self.console)}"
                f"--- console.log\n{tail(os.path.join(self.logs, 'console.log'))}"
                f"--- graphite-web exception.log\n"
                f"{tail(os.path.join(self.logs, 'exception.log'))}")
