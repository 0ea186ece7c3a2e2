#!/usr/bin/env bash
# Installs (Debian/Ubuntu, as root) and starts what dstest's Docker runtime needs:
# a Docker engine, iptables, iproute2 and libfaketime. Does nothing that is
# already there; safe to run again.
set -euo pipefail

log() { echo "[setup] $*"; }
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
command -v iptables >/dev/null 2>&1 || need_apt+=(iptables)
command -v tc >/dev/null 2>&1 || need_apt+=(iproute2)
command -v nsenter >/dev/null 2>&1 || need_apt+=(util-linux)
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] || need_apt+=(faketime)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing from apt: ${need_apt[*]}"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/tmp/dstest-apt.log 2>&1 \
    || { tail -n 30 /tmp/dstest-apt.log; exit 1; }
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: /var/log/dockerd.log)"
  sudo_ sh -c 'nohup dockerd >/var/log/dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { log "dockerd did not start:"; tail -n 30 /var/log/dockerd.log; exit 1; }
fi
log "docker engine $(docker version --format '{{.Server.Version}}') is running"
