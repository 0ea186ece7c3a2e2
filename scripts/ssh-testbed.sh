#!/usr/bin/env bash
# A test bed for the SSH runtime that really uses SSH: N containers running
# the distribution's sshd, each its own host with its own network namespace,
# on a Docker network of their own.
#
#   scripts/ssh-testbed.sh up N    start N hosts; prints a nodes file (n1 ADDRESS, one a line)
#   scripts/ssh-testbed.sh down    remove this bed's containers, network and state folder (and only those)
#   scripts/ssh-testbed.sh dir     print the state folder: id_ed25519 (the login key), known_hosts, nodes.txt
#
# The image is built offline from this machine's own binaries (sshd, sudo,
# node, iptables, tc, libfaketime, coreutils and every library ldd lists),
# as dstest builds its node image: no registry. It is tagged by a hash of
# what went in, so a second `up` builds nothing. Logins: root by key, and
# `dstest` by the same key with password-less sudo. Containers get NET_ADMIN
# (iptables and tc in their own namespace), never --privileged.
#
# So that `dstest run --runtime ssh --nodes-file nodes.txt` needs no more flags,
# as with machines of your own: the hosts also accept your own keys
# (~/.ssh/id_ed25519, id_ecdsa, id_rsa and the ssh-agent's; when you have none,
# ~/.ssh/id_ed25519 is made, as ssh-keygen would), and their host keys are
# added to ~/.ssh/known_hosts, each line marked `dstest-testbed:NAME`; `down`
# removes exactly those lines.
#
# Environment: DSTEST_TESTBED names the bed (default dstest-testbed; several
# beds can run side by side), DSTEST_TESTBED_DIR its state folder (default
# /tmp/$DSTEST_TESTBED). Needs: docker (an engine), openssh-server, sudo,
# iptables, iproute2, faketime, node (scripts/setup-docker.sh installs them).
set -euo pipefail

NAME=${DSTEST_TESTBED:-dstest-testbed}
[[ $NAME =~ ^[a-z0-9][a-z0-9_.-]{0,40}$ ]] || { echo "ssh-testbed: bad DSTEST_TESTBED '$NAME'" >&2; exit 3; }
STATE=${DSTEST_TESTBED_DIR:-/tmp/$NAME}
LABEL=dstest.testbed
RECIPE=4

log() { echo "[ssh-testbed] $*" >&2; }
die() { echo "ssh-testbed: $*" >&2; exit "${2:-4}"; }

BINS=(
  /usr/sbin/sshd /usr/bin/sudo /usr/bin/node /usr/bin/dash /usr/sbin/ip /usr/sbin/tc /usr/sbin/xtables-nft-multi
  /usr/bin/setsid /usr/bin/unshare /usr/bin/tar /usr/bin/sed /usr/bin/grep
  # sudo opens PAM even for NOPASSWD rules: a stack of pam_permit only.
  /usr/lib/x86_64-linux-gnu/security/pam_permit.so
)
COREUTILS=(cat ls mkdir rm cp mv ln sleep date env true false touch chmod tail head id uname tr sort mktemp dirname printf kill nohup sha256sum wc)
LIBDIRS=(/usr/lib/x86_64-linux-gnu/xtables /usr/lib/x86_64-linux-gnu/faketime /usr/libexec/sudo)

# /lib, /bin, ... are links into /usr here (merged /usr): copy into the /usr path.
usr_path() { echo "$1" | sed -E 's#^/(bin|sbin|lib|lib64)(/|$)#/usr/\1\2#'; }

all_inputs() {
  for b in "${BINS[@]}"; do echo "$b"; done
  for c in "${COREUTILS[@]}"; do [ -e "/usr/bin/$c" ] && echo "/usr/bin/$c"; done
  for d in "${LIBDIRS[@]}"; do find "$d" -maxdepth 1 \( -type f -o -type l \) | sort; done
}

image_tag() {
  local h
  h=$( { echo "recipe $RECIPE"; all_inputs | while read -r f; do stat -L -c '%n %s %Y' "$f"; done; } | sha256sum | cut -c1-12)
  echo "dstest-testbed/sshd:$h"
}

build_image() {
  local tag=$1 root f l libs
  for f in "${BINS[@]}"; do [ -e "$f" ] || die "missing $f: run scripts/setup-docker.sh (it installs openssh-server, sudo, iptables, iproute2, faketime)"; done
  root=$(mktemp -d /tmp/dstest-testbed-root.XXXXXX)
  # shellcheck disable=SC2064 # the folder's name, now
  trap "rm -rf '$root'" EXIT
  mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/{etc/ssh,run/sshd,tmp,root/.ssh,home/dstest/.ssh,dev,proc,sys,var/log}
  for l in bin sbin lib lib64; do ln -s "usr/$l" "$root/$l"; done
  chmod 1777 "$root/tmp"; chmod 700 "$root/root" "$root/root/.ssh"; chmod 755 "$root/run/sshd"
  local inputs
  inputs=$(all_inputs)
  # Each file at its own path, links followed; then every library they load.
  for f in $inputs; do
    mkdir -p "$root$(dirname "$(usr_path "$f")")"
    cp -L -p "$f" "$root$(usr_path "$f")"
  done
  libs=$(ldd $inputs 2>/dev/null | sed -n -E 's#.*=> (/[^ ]+) .*#\1#p; s#^[[:space:]]+(/[^ ]+) \(.*#\1#p' | sort -u)
  for f in $libs; do
    mkdir -p "$root$(dirname "$(usr_path "$f")")"
    [ -e "$root$(usr_path "$f")" ] || cp -L -p "$f" "$root$(usr_path "$f")"
  done
  ln -s dash "$root/usr/bin/sh"
  for l in iptables iptables-restore iptables-save; do ln -s xtables-nft-multi "$root/usr/sbin/$l"; done
  cp -r /etc/iproute2 "$root/etc/" 2>/dev/null || true
  for f in /etc/protocols /etc/services; do [ -e "$f" ] && cp "$f" "$root$f"; done
  chmod 4755 "$root/usr/bin/sudo"
  cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
dstest:x:1000:1000::/home/dstest:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
  cat >"$root/etc/group" <<'EOF'
root:x:0:
dstest:x:1000:
nogroup:x:65534:
EOF
  # '*': no password, and not locked (a key still logs in).
  printf 'root:*:19000:0:99999:7:::\nsshd:*:19000:0:99999:7:::\ndstest:*:19000:0:99999:7:::\n' >"$root/etc/shadow"
  chmod 640 "$root/etc/shadow"
  # Without `networks: files`, every `iptables -s ADDRESS` may wait on DNS.
  printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n' >"$root/etc/nsswitch.conf"
  cat >"$root/etc/ssh/sshd_config" <<'EOF'
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
AuthorizedKeysFile .ssh/authorized_keys
PidFile /run/sshd.pid
MaxSessions 20
MaxStartups 100:30:200
LogLevel ERROR
EOF
  printf 'Defaults !pam_session, !pam_acct_mgmt, !lecture, secure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\nroot ALL=(ALL:ALL) ALL\ndstest ALL=(ALL:ALL) NOPASSWD: ALL\n' >"$root/etc/sudoers"
  chmod 440 "$root/etc/sudoers"
  mkdir -p "$root/etc/pam.d"
  printf 'auth required pam_permit.so\naccount required pam_permit.so\nsession required pam_permit.so\n' >"$root/etc/pam.d/sudo"
  chown -R 1000:1000 "$root/home/dstest"; chmod 700 "$root/home/dstest/.ssh"
  log "building $tag from this machine's binaries"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c "LABEL $LABEL=image" - "$tag" >/dev/null
  rm -rf "$root"
  trap - EXIT
}

up() {
  local n=$1 tag i ip name key
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 32 ] || die "up needs a number of hosts, 1..32 (got '$n')" 3
  docker info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/setup-docker.sh"
  if [ -n "$(docker ps -aq --filter "label=$LABEL=$NAME")" ]; then die "the bed '$NAME' is already up: run '$0 down' first, or set DSTEST_TESTBED"; fi
  tag=$(image_tag)
  docker image inspect "$tag" >/dev/null 2>&1 || build_image "$tag"
  rm -rf "$STATE"; mkdir -p "$STATE"; chmod 700 "$STATE"
  ssh-keygen -q -t ed25519 -N '' -C "dstest-testbed-$NAME" -f "$STATE/id_ed25519"
  user_keys >"$STATE/authorized_keys"
  docker network create --label "$LABEL=$NAME" "$NAME" >/dev/null
  : >"$STATE/known_hosts"; : >"$STATE/nodes.txt"
  for i in $(seq 1 "$n"); do
    name="n$i"
    key="$STATE/hosts/$name"
    mkdir -p "$key"
    ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$key/ssh_host_ed25519_key"
    cp "$STATE/authorized_keys" "$key/authorized_keys"
    chmod 644 "$key/authorized_keys"
    docker run -d --init --name "$NAME-$name" --hostname "$name" --network "$NAME" --cap-add NET_ADMIN \
      --label "$LABEL=$NAME" \
      -v "$key/ssh_host_ed25519_key:/etc/ssh/ssh_host_ed25519_key:ro" \
      -v "$key/authorized_keys:/root/.ssh/authorized_keys:ro" \
      -v "$key/authorized_keys:/home/dstest/.ssh/authorized_keys:ro" \
      "$tag" /usr/sbin/sshd -D -e >/dev/null
    ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$NAME\").IPAddress}}" "$NAME-$name")
    echo "$ip $(cut -d' ' -f1,2 "$key/ssh_host_ed25519_key.pub")" >>"$STATE/known_hosts"
    echo "$name $ip" >>"$STATE/nodes.txt"
  done
  # Ready when every sshd answers with its banner.
  while read -r name ip; do
    for _ in $(seq 1 100); do
      if timeout 1 bash -c "exec 3<>/dev/tcp/$ip/22 && head -c 4 <&3" 2>/dev/null | grep -q SSH; then continue 2; fi
      sleep 0.1
    done
    docker logs "$NAME-$name" >&2 || true
    die "sshd on $name ($ip) did not answer"
  done <"$STATE/nodes.txt"
  trust_hosts
  log "$n hosts up; they accept $STATE/id_ed25519 and your own keys; their host keys are in $STATE/known_hosts and ~/.ssh/known_hosts"
  cat "$STATE/nodes.txt"
}

# The bed's key, then the user's own public keys (made when there are none).
user_keys() {
  local found=0 k
  cat "$STATE/id_ed25519.pub"
  for k in "$HOME"/.ssh/id_ed25519.pub "$HOME"/.ssh/id_ecdsa.pub "$HOME"/.ssh/id_rsa.pub; do
    if [ -f "$k" ] && [ -f "${k%.pub}" ]; then cat "$k"; found=1; fi
  done
  if [ -n "${SSH_AUTH_SOCK:-}" ] && ssh-add -L >/dev/null 2>&1; then ssh-add -L; found=1; fi
  if [ "$found" = 0 ]; then
    mkdir -p "$HOME/.ssh"; chmod 700 "$HOME/.ssh"
    ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/id_ed25519"
    log "made $HOME/.ssh/id_ed25519 (you had no SSH key)"
    cat "$HOME/.ssh/id_ed25519.pub"
  fi
}

MARK_PREFIX=dstest-testbed:

# known_hosts lines of this bed (and stale ones of any bed for the same addresses) out, this bed's in.
trust_hosts() {
  local kh="$HOME/.ssh/known_hosts" ips
  mkdir -p "$HOME/.ssh"; chmod 700 "$HOME/.ssh"; touch "$kh"
  ips=$(cut -d' ' -f1 "$STATE/known_hosts" | sort -u)
  untrust_hosts "$ips"
  sed "s/\$/ $MARK_PREFIX$NAME/" "$STATE/known_hosts" >>"$kh"
}

untrust_hosts() {
  local kh="$HOME/.ssh/known_hosts" ips=${1:-} tmp
  [ -f "$kh" ] || return 0
  tmp=$(mktemp "$kh.XXXXXX")
  awk -v name="$MARK_PREFIX$NAME" -v prefix="$MARK_PREFIX" -v ips="$ips" '
    BEGIN { n = split(ips, a, "\n"); for (i = 1; i <= n; i++) stale[a[i]] = 1 }
    $NF == name { next }
    index($NF, prefix) == 1 && ($1 in stale) { next }
    { print }' "$kh" >"$tmp"
  chmod --reference="$kh" "$tmp" 2>/dev/null || chmod 600 "$tmp"
  mv "$tmp" "$kh"
}

down() {
  local ids
  ids=$(docker ps -aq --filter "label=$LABEL=$NAME")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  docker network ls -q --filter "label=$LABEL=$NAME" | while read -r id; do docker network rm "$id" >/dev/null; done
  rm -rf "$STATE"
  untrust_hosts ""
  log "bed '$NAME' removed"
}

case "${1:-}" in
  up) up "${2:-}" ;;
  down) down ;;
  dir) echo "$STATE" ;;
  *) die "usage: $0 up N | down | dir" 3 ;;
esac
