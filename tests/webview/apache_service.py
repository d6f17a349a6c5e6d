# SPDX-License-Identifier: GPL-3.0-or-later
"""Apache (Debian's apache2) with a configuration of its own in a temporary directory, nothing
from /etc/apache2: the prefork MPM with mod_php serving Icinga Web 2 on 127.0.0.1:80 as Debian's
conf-available/icingaweb2.conf does, and mod_wsgi serving graphite-web on 127.0.0.1:8080 as
graphite-web's apache2-graphite.conf does. Started in the foreground, stopped by pid."""
import os
import pwd
import subprocess
import urllib.error
import urllib.request

from graphite_service import GRAPHITE_USER, WEB_PORT as GRAPHITE_PORT
from pylib.engines import tail
from pylib.processes import wait_until

APACHE = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
WEB_USER = "www-data"
ICINGAWEB_PORT = 80
# The user the web server says is logged in (see Icinga Web 2's `external` backend in
# icingaweb2.py): the test's browser has no login form to fill.
REMOTE_USER = "icingaadmin"

_LOADED = {
    "mpm_prefork_module": "mod_mpm_prefork.so",  # mod_php is not thread safe
    "authz_core_module": "mod_authz_core.so",
    "authz_host_module": "mod_authz_host.so",
    "alias_module": "mod_alias.so",
    "dir_module": "mod_dir.so",
    "env_module": "mod_env.so",
    "mime_module": "mod_mime.so",
    "rewrite_module": "mod_rewrite.so",
    "php_module": "libphp8.2.so",
    "wsgi_module": "mod_wsgi.so",
}


class Apache:
    def __init__(self, home, icingaweb_config_dir, graphite_wsgi_script):
        self.home = home
        os.makedirs(os.path.join(home, "run"), exist_ok=True)
        # PHP's sessions (one per page load: the browser keeps no cookie between runs) here, not
        # in /var/lib/php/sessions.
        self.sessions = os.path.join(home, "php-sessions")
        os.makedirs(self.sessions, exist_ok=True)
        web_user = pwd.getpwnam(WEB_USER)
        os.chown(self.sessions, web_user.pw_uid, web_user.pw_gid)
        os.chmod(self.sessions, 0o700)
        self.conf = os.path.join(home, "apache2.conf")
        self.error_log = os.path.join(home, "error.log")
        self.icingaweb_config_dir = icingaweb_config_dir
        self.graphite_wsgi_script = graphite_wsgi_script
        self.process = None

    def write_config(self):
        modules = "".join(f"LoadModule {name} {MODULES}/{file}\n"
                          for name, file in _LOADED.items())
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"""# check_port_owner test: nothing from /etc/apache2.
ServerRoot {self.home}
ServerName localhost
PidFile {self.home}/run/apache2.pid
DefaultRuntimeDir {self.home}/run
Mutex file:{self.home}/run default
User {WEB_USER}
Group {WEB_USER}
ErrorLog {self.error_log}
LogLevel warn
{modules}
TypesConfig /etc/mime.types
DirectoryIndex index.php index.html
StartServers 2
MaxRequestWorkers 10
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<FilesMatch ".+\\.php$">
    SetHandler application/x-httpd-php
</FilesMatch>

Listen 127.0.0.1:{ICINGAWEB_PORT}
<VirtualHost 127.0.0.1:{ICINGAWEB_PORT}>
    Alias /icingaweb2 "/usr/share/icingaweb2/public"
    <Directory "/usr/share/icingaweb2/public">
        Options SymLinksIfOwnerMatch
        AllowOverride None
        Require all granted
        SetEnv ICINGAWEB_CONFIGDIR "{self.icingaweb_config_dir}"
        php_admin_value session.save_path "{self.sessions}"
        # Who the web server authenticated; Icinga Web 2's `external` backend trusts it.
        SetEnv REMOTE_USER "{REMOTE_USER}"
        EnableSendfile Off
        RewriteEngine on
        RewriteBase /icingaweb2/
        RewriteCond %{{REQUEST_FILENAME}} -s [OR]
        RewriteCond %{{REQUEST_FILENAME}} -l [OR]
        RewriteCond %{{REQUEST_FILENAME}} -d
        RewriteRule ^.*$ - [NC,L]
        RewriteRule ^.*$ index.php [NC,L]
    </Directory>
</VirtualHost>

Listen 127.0.0.1:{GRAPHITE_PORT}
WSGISocketPrefix {self.home}/run/wsgi
<VirtualHost 127.0.0.1:{GRAPHITE_PORT}>
    WSGIDaemonProcess graphite user={GRAPHITE_USER} group={GRAPHITE_USER} \\
        processes=1 threads=4 display-name=graphite-web
    WSGIProcessGroup graphite
    WSGIApplicationGroup %{{GLOBAL}}
    WSGIScriptAlias / {self.graphite_wsgi_script}
    <Files "{os.path.basename(self.graphite_wsgi_script)}">
        Require all granted
    </Files>
    Alias /static/ /usr/share/graphite-web/static/
    <Directory /usr/share/graphite-web/static/>
        Require all granted
        SetHandler None
    </Directory>
</VirtualHost>
""")

    def validate(self):
        return subprocess.run([APACHE, "-f", self.conf, "-t"], capture_output=True, text=True,
                              timeout=60)

    def start(self, processes):
        self.process = processes.start("apache2", [APACHE, "-f", self.conf, "-DFOREGROUND"],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        return self.process

    def wait_ready(self, timeout_s):
        def probe():
            if self.process.poll() is not None:
                return "exited"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{ICINGAWEB_PORT}/icingaweb2/",
                                            timeout=10) as response:
                    return response.status == 200
            except (OSError, urllib.error.URLError):
                return False
        return wait_until(timeout_s, probe) is True

    def diagnostics(self):
        status = self.process.poll() if self.process else None
        return f"apache2 exit status: {status}\n--- error.log\n{tail(self.error_log)}"
