#!/usr/bin/env bash
# Installs (Debian/Ubuntu, as root) and starts what dstest's Docker runtime needs:
# a Docker engine, iptables, iproute2, libfaketime and debootstrap (images for
# targets that name Debian packages); and what the SSH test bed
# (scripts/ssh-testbed.sh) builds its hosts from: openssh-server, sudo and
# ssh-keygen. sshd is installed, never started on this machine. Does nothing
# that is already there; safe to run again.
set -euo pipefail

log() { echo "[setup] $*"; }
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
command -v iptables >/dev/null 2>&1 || need_apt+=(iptables)
command -v tc >/dev/null 2>&1 || need_apt+=(iproute2)
command -v nsenter >/dev/null 2>&1 || need_apt+=(util-linux)
[ -e /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 ] || need_apt+=(faketime)
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || need_apt+=(openssh-client)
[ -x /usr/bin/sudo ] || need_apt+=(sudo)
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need_apt+=(debootstrap)
if [ "${#need_apt[@]}" -gt 0 ]; then
  log "installing from apt: ${need_apt[*]}"
  sudo_ apt-get update -qq
  # The SSH test bed only copies sshd into its containers: no service starts here
  # (policy-rc.d answering 101 is how Debian's packages are told so).
  policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy=/usr/sbin/policy-rc.d
    sudo_ sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
  fi
  rc=0
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/tmp/dstest-apt.log 2>&1 || rc=$?
  [ -z "$policy" ] || sudo_ rm -f "$policy"
  [ "$rc" -eq 0 ] || { tail -n 30 /tmp/dstest-apt.log; exit 1; }
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
