#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what the webview suite (tests/webview) needs from Debian 12's archive, when missing:
# Icinga Web 2 with its monitoring module on the IDO (icinga2-ido-mysql on MariaDB), served by
# Apache with mod_php; Graphite (carbon-cache and graphite-web under Apache's mod_wsgi) and Icinga
# Web 2's graphite module; headless Chromium for the page; eatmydata, so the test's throw-away
# database skips fsync. The packages' own services are never started here (no systemd, and the
# test starts its own instances in a temporary directory), and nothing under /etc is configured:
# the test writes every configuration it uses.
# Needs root. Called by tests/run_all.sh; by hand: sudo tests/webview/install.sh
set -euo pipefail

packages=(icingaweb2 icingaweb2-module-monitoring icingacli icinga2-ido-mysql
          mariadb-server mariadb-client php-mysql php-curl php-gd php-mbstring php-intl php-xml
          apache2 libapache2-mod-php libapache2-mod-wsgi-py3
          graphite-carbon graphite-web icingaweb2-module-graphite
          chromium fonts-dejavu-core eatmydata)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "== webview: installing ${missing[*]}"
# icinga2-ido-mysql would otherwise ask to create its database with dbconfig-common and enable
# the feature in /etc/icinga2: the test creates its own database and Icinga 2 configuration.
debconf-set-selections <<'SELECTIONS'
icinga2-ido-mysql icinga2-ido-mysql/dbconfig-install boolean false
icinga2-ido-mysql icinga2-ido-mysql/enable boolean false
SELECTIONS
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
