/**
 * iptables commands as argv arrays (and iptables-restore input), pure.
 *
 * dstest keeps every rule it adds in its own chain, DSTEST, jumped to from
 * INPUT: a heal flushes only that chain, never rules the system under test or
 * the engine put there. On a host shared by several runs (SSH) each run has a
 * chain of its own (`chain` below; see control/ssh/run-marks.ts). A node's
 * whole fault state (peers it drops, lossy peers) is rendered into one
 * iptables-restore batch so applying it is one command per node, atomic, and
 * idempotent (re-declaring a user chain under --noflush flushes it first).
 */

export const CHAIN = 'DSTEST'

/** What one node drops, as data. */
export interface NodeNetRules {
  /** Addresses whose packets this node drops entirely (a partition grudge). */
  dropFrom: readonly string[]
  /** Addresses whose packets this node drops with this probability (0..1). */
  lossFrom?: readonly { address: string; probability: number }[]
}

function checkAddress(a: string): string {
  // Addresses only (no names): a name would make iptables wait on DNS.
  if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(a)) throw new RangeError(`not an IPv4 address: ${JSON.stringify(a)}`)
  return a
}

function probability(p: number): string {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`a loss probability is in [0, 1], got ${p}`)
  return p.toFixed(6).replace(/0+$/, '').replace(/\.$/, '.0')
}

/** The rule lines (without `-A CHAIN`) for a node's state, in a stable order. */
export function chainRules(rules: NodeNetRules): string[][] {
  const out: string[][] = []
  for (const a of [...new Set(rules.dropFrom)].sort()) out.push(['-s', checkAddress(a), '-j', 'DROP'])
  for (const l of [...(rules.lossFrom ?? [])].sort((x, y) => (x.address < y.address ? -1 : 1))) {
    if (l.probability <= 0) continue
    out.push(['-s', checkAddress(l.address), '-m', 'statistic', '--mode', 'random', '--probability', probability(l.probability), '-j', 'DROP'])
  }
  return out
}

/**
 * Input for `iptables-restore --noflush`: (re)declares DSTEST, which flushes
 * it, then appends the node's rules. Only the filter table is touched.
 */
export function restoreScript(rules: NodeNetRules, chain = CHAIN): string {
  const lines = ['*filter', `:${checkChain(chain)} - [0:0]`]
  for (const r of chainRules(rules)) lines.push(['-A', chain, ...r].join(' '))
  lines.push('COMMIT', '')
  return lines.join('\n')
}

/** argv of iptables-restore that keeps everything but what the script declares. */
export const restoreArgv = (): string[] => ['iptables-restore', '--noflush']

/** A chain name dstest may use: DSTEST, or DSTEST-<suffix> (iptables allows 28 characters). */
export function checkChain(chain: string): string {
  if (!/^DSTEST(-[A-Za-z0-9]{1,21})?$/.test(chain)) throw new RangeError(`not a dstest chain name: ${JSON.stringify(chain)}`)
  return chain
}

/** Exit code 0 iff INPUT already jumps to the chain. */
export const checkJumpArgv = (chain = CHAIN): string[] => ['iptables', '-C', 'INPUT', '-j', checkChain(chain)]
/** Puts the jump first in INPUT (run only when `checkJumpArgv` failed). */
export const insertJumpArgv = (chain = CHAIN): string[] => ['iptables', '-I', 'INPUT', '1', '-j', checkChain(chain)]

/** Empties the chain (heal). Fails with exit 1 when the chain does not exist — that is healed too. */
export const flushArgv = (chain = CHAIN): string[] => ['iptables', '-F', checkChain(chain)]

/** Single-rule forms (one command per rule), for SSH hosts or debugging. */
export function dropFromArgv(address: string): string[] {
  return ['iptables', '-A', CHAIN, '-s', checkAddress(address), '-j', 'DROP']
}

export function lossFromArgv(address: string, p: number): string[] {
  return ['iptables', '-A', CHAIN, '-s', checkAddress(address), '-m', 'statistic', '--mode', 'random', '--probability', probability(p), '-j', 'DROP']
}

/** Which backend an `iptables --version` line names: nf_tables or legacy. */
export function iptablesBackend(versionLine: string): 'nft' | 'legacy' | 'unknown' {
  if (/nf_tables/.test(versionLine)) return 'nft'
  if (/legacy/.test(versionLine)) return 'legacy'
  return /iptables v\d/.test(versionLine) ? 'legacy' : 'unknown'
}
