# SPDX-License-Identifier: GPL-3.0-or-later
"""Icinga Web 2's configuration (Debian's icingaweb2 2.11) written by the test instead of the
web wizard, in a directory of its own (ICINGAWEB_CONFIGDIR, set by the web server): its own
database (user preferences, which 2.11 keeps only there), the monitoring module reading Icinga
2's IDO on MariaDB, the graphite module drawing from graphite-web with the port_owner graph
template the project ships, and one administrator whom the web server authenticates (the
`external` backend)."""
import os
import pwd
import shutil

MODULES = "/usr/share/icingaweb2/modules"
IDO_RESOURCE = "icinga_ido"
WEB_RESOURCE = "icingaweb_db"
SCHEMA = "/usr/share/icingaweb2/schema/mysql.schema.sql"
LOG = "icingaweb2.log"  # in the configuration directory, warnings and errors only


def _write(path, text, owner):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chown(path, owner.pw_uid, owner.pw_gid)
    os.chmod(path, 0o640)


def _db_resource(name, db):
    return f"""[{name}]
type = "db"
db = "mysql"
host = "{db['host']}"
port = "{db['port']}"
dbname = "{db['dbname']}"
username = "{db['username']}"
password = "{db['password']}"
charset = "utf8"
"""


def write_icingaweb2_config(config_dir, web_user, administrator, web_db, ido, graphite_url,
                            graph_templates):
    """config_dir: created, owned by web_user. web_db (with SCHEMA loaded) and ido: dict(host,
    port, dbname, username, password). graph_templates: .ini files copied to the graphite
    module's templates."""
    owner = pwd.getpwnam(web_user)
    files = {
        "config.ini": f"""[global]
show_stacktraces = "1"
config_backend = "db"
config_resource = "{WEB_RESOURCE}"
module_path = "{MODULES}"

[logging]
log = "file"
level = "WARNING"
file = "{config_dir}/{LOG}"
""",
        # The web server authenticates (REMOTE_USER); Icinga Web 2 trusts it.
        "authentication.ini": """[web-server]
backend = "external"
""",
        "roles.ini": f"""[administrators]
users = "{administrator}"
permissions = "*"
""",
        "resources.ini": (_db_resource(WEB_RESOURCE, web_db) + "\n"
                          + _db_resource(IDO_RESOURCE, ido)),
        "modules/monitoring/backends.ini": f"""[icinga2]
type = "ido"
resource = "{IDO_RESOURCE}"
""",
        "modules/monitoring/config.ini": """[security]
protected_customvars = "*pw*,*pass*,community"
""",
        "modules/graphite/config.ini": f"""[graphite]
url = "{graphite_url}"

[ui]
default_time_range = "3"
default_time_range_unit = "minutes"
""",
    }
    os.makedirs(config_dir, exist_ok=True)
    for relative, text in files.items():
        _write(os.path.join(config_dir, relative), text, owner)
    for template in graph_templates:
        target = os.path.join(config_dir, "modules/graphite/templates",
                              os.path.basename(template))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(template, target)
        os.chmod(target, 0o644)
    enabled = os.path.join(config_dir, "enabledModules")
    os.makedirs(enabled, exist_ok=True)
    for module in ("monitoring", "graphite"):
        os.symlink(os.path.join(MODULES, module), os.path.join(enabled, module))
    for root, dirs, _ in os.walk(config_dir):
        for name in [root] + [os.path.join(root, d) for d in dirs]:
            os.chown(name, owner.pw_uid, owner.pw_gid)
            os.chmod(name, 0o750)
