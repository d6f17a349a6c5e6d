#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Debian's docker-proxy, for the container tests: the binary alone, extracted from the docker.io
# package into a cache. Installing docker.io is not wanted: it pulls in containerd and tries to
# start dockerd, and the tests need neither (they start docker-proxy themselves, as dockerd would).
#
#   docker_proxy_binary.sh          extract unless cached, then print the binary's path
#
# Environment:
#   DOCKER_PROXY_CACHE   cache directory (default /var/cache/check_port_owner/docker-proxy)
set -euo pipefail

cache=${DOCKER_PROXY_CACHE:-/var/cache/check_port_owner/docker-proxy}
binary=$cache/usr/sbin/docker-proxy

if [ ! -x "$binary" ]; then
    mkdir -p "$(dirname "$cache")"
    # Two CI jobs on one machine must not extract into the same cache at once: the second waits,
    # then finds the binary there.
    exec {lock}>"$cache.lock"
    flock "$lock"
    if [ ! -x "$binary" ]; then
        work=$(mktemp -d "$cache.build.XXXXXX")
        trap 'rm -rf "$work"' EXIT
        (cd "$work" && apt-get download -q docker.io >&2)
        dpkg-deb -x "$work"/docker.io_*.deb "$work/root"
        rm -rf "$cache"
        mkdir -p "$cache/usr/sbin"
        # Extract beside the cache and move at the end: an interrupted run never looks finished.
        install -m 0755 "$work/root/usr/sbin/docker-proxy" "$cache/usr/sbin/docker-proxy.new"
        mv "$cache/usr/sbin/docker-proxy.new" "$binary"
    fi
fi
echo "$binary"
