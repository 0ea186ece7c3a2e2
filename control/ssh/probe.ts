/**
 * What a host can do, asked once per run over SSH before anything is
 * installed: who we are there (root, or sudo without a password), which tools
 * exist (iptables, tc, node, tar, setsid), whether libfaketime is there,
 * whether its kernel has sch_netem, and which interface its peers' traffic
 * uses. `unmet` turns the faults a run asks for into the host's missing
 * pieces, so the run stops before the test with every host's problems named.
 */

export interface HostFacts {
  uid: number
  home: string
  /** 'root': no sudo needed; 'yes': `sudo -n` works; 'no': neither. */
  sudo: 'root' | 'yes' | 'no'
  /** Tool name → its path, for the tools found. */
  tools: Record<string, string>
  /** `node --version`, when node is there. */
  node: string | undefined
  faketime: boolean
  /** `iptables -S INPUT` ran with our privileges (undefined) or this was its error. */
  iptablesError: string | undefined
  netem: { available: true } | { available: false; reason: string }
  /** The interface traffic to the first peer leaves by (`ip route get`), when known. */
  device: string | undefined
  kernel: string
}

/** What a run needs from every host. */
export interface Requirements {
  /** iptables with root or sudo (partitions, packet loss). */
  iptables?: boolean
  /** tc with root or sudo (bandwidth). */
  tc?: boolean
  /** tc netem in the kernel (delay, jitter, duplication, reordering). */
  netem?: boolean
  /** libfaketime (clock faults on the target). */
  faketime?: boolean
  /** date run as root (clock faults on the host's real clock). */
  realClock?: boolean
  /** Node.js of at least this major version (targets whose layer is JavaScript). */
  nodeMajor?: number
}

export const PROBED_TOOLS = ['iptables', 'iptables-restore', 'tc', 'ip', 'node', 'tar', 'setsid', 'date', 'sudo', 'unshare'] as const

/**
 * The probe, a constant POSIX script; its arguments are the libfaketime path
 * and a peer's address. Prints `key=value` lines. The netem test adds a qdisc
 * to the loopback of a throwaway network namespace, never the host's; where
 * that is not allowed it falls back to /sys/module.
 */
export const PROBE_SCRIPT = `PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH
uid=$(id -u); echo "uid=$uid"; echo "home=$HOME"; echo "kernel=$(uname -r)"
S=""
if [ "$uid" = 0 ]; then echo sudo=root
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then echo sudo=yes; S="sudo -n"
else echo sudo=no; fi
for t in ${PROBED_TOOLS.join(' ')}; do p=$(command -v "$t" 2>/dev/null) && echo "tool.$t=$p"; done
command -v node >/dev/null 2>&1 && echo "node=$(node --version 2>/dev/null)"
[ -e "$1" ] && echo faketime=yes
if command -v iptables >/dev/null 2>&1; then
  e=$($S iptables -S INPUT 2>&1 >/dev/null) || echo "iptables.error=$(printf '%s' "$e" | head -n 1)"
fi
if n=$($S unshare --net tc qdisc add dev lo root netem delay 1ms 2>&1); then echo netem=yes
elif [ -d /sys/module/sch_netem ]; then echo netem=yes
else echo "netem.error=$(printf '%s' "$n" | head -n 1)"; fi
[ -n "$2" ] && command -v ip >/dev/null 2>&1 && ip route get "$2" 2>/dev/null | sed -n 's/.* dev \\([^ ]*\\).*/device=\\1/p' | head -n 1
true`

export function probeArgv(libfaketime: string, peer: string | undefined): string[] {
  return ['sh', '-c', PROBE_SCRIPT, 'dstest-probe', libfaketime, peer ?? '']
}

/** Reads the probe's output. */
export function parseProbe(stdout: string): HostFacts {
  const kv = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0 && !kv.has(line.slice(0, eq))) kv.set(line.slice(0, eq), line.slice(eq + 1).trim())
  }
  const tools: Record<string, string> = {}
  for (const [k, v] of kv) if (k.startsWith('tool.') && v) tools[k.slice(5)] = v
  const sudo = kv.get('sudo')
  const netemError = kv.get('netem.error')
  return {
    uid: Number(kv.get('uid') ?? NaN),
    home: kv.get('home') ?? '',
    sudo: sudo === 'root' || sudo === 'yes' ? sudo : 'no',
    tools,
    node: kv.get('node') || undefined,
    faketime: kv.get('faketime') === 'yes',
    iptablesError: kv.get('iptables.error') || undefined,
    netem:
      kv.get('netem') === 'yes'
        ? { available: true }
        : { available: false, reason: netemError ? `no sch_netem here (${netemError})` : 'no sch_netem here' },
    device: kv.get('device') || undefined,
    kernel: kv.get('kernel') ?? '',
  }
}

function nodeMajor(version: string | undefined): number | undefined {
  const m = /^v?(\d+)\./.exec(version ?? '')
  return m ? Number(m[1]) : undefined
}

/** The pieces a host lacks for these requirements, each a short phrase ([] when it has all). */
export function unmet(facts: HostFacts, needs: Requirements, libfaketime: string): string[] {
  const missing: string[] = []
  const privileged = facts.sudo !== 'no'
  const needsRoot = needs.iptables || needs.tc || needs.netem || needs.realClock
  if (needsRoot && !privileged) missing.push(`root or password-less sudo (uid ${facts.uid}, and \`sudo -n true\` failed)`)
  if (needs.iptables) {
    if (!facts.tools['iptables'] || !facts.tools['iptables-restore']) missing.push('iptables and iptables-restore')
    else if (privileged && facts.iptablesError) missing.push(`a working iptables (${facts.iptablesError})`)
  }
  if ((needs.tc || needs.netem) && !facts.tools['tc']) missing.push('tc (iproute2)')
  if (needs.netem && !facts.netem.available) missing.push(`tc netem: ${facts.netem.reason}`)
  if (needs.faketime && !facts.faketime) missing.push(`libfaketime at ${libfaketime} (package faketime)`)
  if (needs.realClock && !facts.tools['date']) missing.push('date')
  if (needs.nodeMajor !== undefined) {
    const major = nodeMajor(facts.node)
    if (major === undefined) missing.push(`Node.js >= ${needs.nodeMajor} (no node on the PATH)`)
    else if (major < needs.nodeMajor) missing.push(`Node.js >= ${needs.nodeMajor} (found ${facts.node})`)
  }
  if (!facts.tools['setsid']) missing.push('setsid (util-linux), to start processes that outlive the SSH channel')
  if (!facts.tools['tar']) missing.push('tar, to copy files')
  return missing
}
