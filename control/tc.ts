/**
 * tc (traffic control) commands as argv arrays, pure, plus reading tc's
 * answers. Shaping acts on a node's egress (its `eth0`):
 *
 *   - bandwidth for everything: tbf;
 *   - bandwidth towards some peers only: htb with a u32 filter per destination;
 *   - delay, jitter, loss, duplication, reordering: netem — which some kernels
 *     lack (sch_netem is a module), so dstest probes for it first and refuses
 *     netem faults with a clear error instead of pretending.
 */

export const DEFAULT_DEV = 'eth0'

export interface Bandwidth {
  /** Rate in kbit/s. */
  rateKbit: number
  /** Bucket size in bytes (default: rate for 10 ms, at least 16 KiB). */
  burstBytes?: number
  /** How long a packet may wait in the bucket (default 400 ms). */
  latencyMs?: number
}

export interface Netem {
  delayMs?: number
  jitterMs?: number
  /** Correlation of successive delays, percent. */
  correlationPct?: number
  /** 'normal' | 'pareto' | 'paretonormal' (needs jitter). */
  distribution?: string
  lossPct?: number
  duplicatePct?: number
  /** Percent of packets sent at once (the rest delayed): needs a delay. */
  reorderPct?: number
  corruptPct?: number
}

function positive(name: string, n: number): number {
  if (!(Number.isFinite(n) && n > 0)) throw new RangeError(`${name} must be > 0, got ${n}`)
  return n
}

function percent(name: string, n: number): string {
  if (!(n >= 0 && n <= 100)) throw new RangeError(`${name} is a percentage in [0, 100], got ${n}`)
  return `${n}%`
}

function dev(d: string): string {
  if (!/^[a-zA-Z0-9_.@-]{1,15}$/.test(d)) throw new RangeError(`not an interface name: ${JSON.stringify(d)}`)
  return d
}

function burstOf(b: Bandwidth): number {
  return Math.round(b.burstBytes ?? Math.max(16 * 1024, (b.rateKbit * 1000) / 8 / 100))
}

/** `tc qdisc replace dev D root tbf rate R burst B latency L`. */
export function tbfArgv(b: Bandwidth, device = DEFAULT_DEV): string[] {
  positive('rateKbit', b.rateKbit)
  return [
    'tc', 'qdisc', 'replace', 'dev', dev(device), 'root', 'tbf',
    'rate', `${Math.round(b.rateKbit)}kbit`,
    'burst', String(burstOf(b)),
    'latency', `${Math.round(b.latencyMs ?? 400)}ms`,
  ]
}

/**
 * htb shaping of traffic to some destinations only: a root htb whose default
 * class is unshaped, one class at the limited rate, and a u32 filter per
 * destination address. Returns the commands in order.
 */
export function htbArgvs(b: Bandwidth, destinations: readonly string[], device = DEFAULT_DEV): string[][] {
  positive('rateKbit', b.rateKbit)
  const d = dev(device)
  const rate = `${Math.round(b.rateKbit)}kbit`
  const cmds: string[][] = [
    ['tc', 'qdisc', 'replace', 'dev', d, 'root', 'handle', '1:', 'htb', 'default', '99'],
    ['tc', 'class', 'replace', 'dev', d, 'parent', '1:', 'classid', '1:99', 'htb', 'rate', '10gbit'],
    ['tc', 'class', 'replace', 'dev', d, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', rate, 'ceil', rate, 'burst', String(burstOf(b))],
  ]
  for (const addr of destinations) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) throw new RangeError(`not an IPv4 address: ${JSON.stringify(addr)}`)
    cmds.push(['tc', 'filter', 'add', 'dev', d, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'ip', 'dst', `${addr}/32`, 'flowid', '1:10'])
  }
  return cmds
}

/** `tc qdisc replace dev D root netem ...`. Throws when the options ask for nothing. */
export function netemArgv(n: Netem, device = DEFAULT_DEV): string[] {
  const args: string[] = []
  if (n.delayMs !== undefined || n.jitterMs !== undefined || n.reorderPct !== undefined) {
    const delay = n.delayMs ?? 0
    if (n.reorderPct !== undefined && !(delay > 0)) throw new RangeError('netem reordering needs a delay (delayMs > 0)')
    args.push('delay', `${delay}ms`)
    if (n.jitterMs !== undefined && n.jitterMs > 0) {
      args.push(`${n.jitterMs}ms`)
      if (n.correlationPct !== undefined) args.push(percent('correlationPct', n.correlationPct))
      if (n.distribution !== undefined) {
        if (!/^(normal|pareto|paretonormal|uniform)$/.test(n.distribution)) throw new RangeError(`unknown netem distribution '${n.distribution}'`)
        if (n.distribution !== 'uniform') args.push('distribution', n.distribution)
      }
    }
  }
  if (n.lossPct !== undefined) args.push('loss', percent('lossPct', n.lossPct))
  if (n.duplicatePct !== undefined) args.push('duplicate', percent('duplicatePct', n.duplicatePct))
  if (n.reorderPct !== undefined) args.push('reorder', percent('reorderPct', n.reorderPct))
  if (n.corruptPct !== undefined) args.push('corrupt', percent('corruptPct', n.corruptPct))
  if (args.length === 0) throw new RangeError('netem needs at least one of delay, jitter, loss, duplicate, reorder, corrupt')
  return ['tc', 'qdisc', 'replace', 'dev', dev(device), 'root', 'netem', ...args]
}

/** Removes the root qdisc (back to the default). Exit 2 "handle of zero" means there was none: healed. */
export function deleteRootArgv(device = DEFAULT_DEV): string[] {
  return ['tc', 'qdisc', 'del', 'dev', dev(device), 'root']
}

/** Whether a failed `tc qdisc del ... root` only means "nothing to delete". */
export function isNothingToDelete(stderr: string): boolean {
  return /handle of zero|No such file or directory|Invalid handle/i.test(stderr)
}

/** The probe: add a netem qdisc on loopback (run it in a throwaway network namespace). */
export const netemProbeArgv = (): string[] => ['tc', 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms']

export type NetemSupport = { available: true } | { available: false; reason: string }

/** Reads the probe's answer: exit 0 → netem works; "unknown"/"not found" → the kernel lacks it. */
export function parseNetemProbe(result: { exitCode: number; stderr: string }): NetemSupport {
  if (result.exitCode === 0) return { available: true }
  const err = result.stderr.trim().split('\n')[0] ?? ''
  if (/unknown|not found|No such file|Unknown qdisc/i.test(err)) {
    return { available: false, reason: `this kernel has no sch_netem (tc said: ${err})` }
  }
  return { available: false, reason: `tc could not add a netem qdisc: ${err || `exit ${result.exitCode}`}` }
}
