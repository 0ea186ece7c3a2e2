#!/usr/bin/env bash
# Installs (Debian/Ubuntu, as root) the headless browser the report and
# `dstest serve` tests look at pages with: Debian's chromium at
# /usr/bin/chromium, driven by playwright-core (which cannot download one
# here). Does nothing when it is already there; safe to run again.
set -euo pipefail

log() { echo "[setup] $*"; }
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
  log "installing chromium from apt"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/tmp/dstest-apt-chromium.log 2>&1 \
    || { tail -n 30 /tmp/dstest-apt-chromium.log; exit 1; }
fi
log "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium') is installed"
