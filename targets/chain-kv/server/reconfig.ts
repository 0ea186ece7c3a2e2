/**
 * The chain's configuration rules, as pure functions: who is head, tail,
 * predecessor and successor in a configuration, and what the master changes
 * next given what it has heard from every node (van Renesse & Schneider,
 * OSDI 2004, section 3: failure of the head, of the tail, of a middle node,
 * and extending the chain with a new tail).
 */
import type { ChainConfig, HeartbeatReply, Role } from './messages.js'

export const headOf = (c: ChainConfig): string | null => c.chain[0] ?? null
export const tailOf = (c: ChainConfig): string | null => c.chain[c.chain.length - 1] ?? null

/** The role a node plays in `c`. A single-member chain's only node is reported as head (it is the tail too). */
export function roleOf(c: ChainConfig, id: string): Role {
  const at = c.chain.indexOf(id)
  if (at < 0) return 'standby'
  if (at === 0) return 'head'
  return at === c.chain.length - 1 ? 'tail' : 'middle'
}

/** Who sends `id` its updates: the node before it, or the tail for the joining node. */
export function predecessorOf(c: ChainConfig, id: string): string | null {
  const at = c.chain.indexOf(id)
  if (at > 0) return c.chain[at - 1]!
  if (at < 0 && c.joining === id) return tailOf(c)
  return null
}

/** Whom `id` forwards updates to: the next node, or the joining node when `id` is the tail. */
export function successorOf(c: ChainConfig, id: string): string | null {
  const at = c.chain.indexOf(id)
  if (at < 0) return null
  if (at < c.chain.length - 1) return c.chain[at + 1]!
  return c.joining
}

/** Whom `id` acknowledges to (acks flow from the tail towards the head; the joining node sends none). */
export function ackTargetOf(c: ChainConfig, id: string): string | null {
  const at = c.chain.indexOf(id)
  return at > 0 ? c.chain[at - 1]! : null
}

/** Nodes the master sends the configuration to: the members and the joining node. */
export const isNamed = (c: ChainConfig, id: string): boolean => c.chain.includes(id) || c.joining === id

export function initialConfig(nodes: readonly string[]): ChainConfig {
  return { epoch: 1, chain: [...nodes], joining: null }
}

/** What the master knows of one node. Times in ms of the master's monotonic clock. */
export interface NodeView {
  /** Last answered heartbeat (or when this master replica became leader: a grace period). */
  lastSeen: number
  /** Start of the current run of answered heartbeats; null after a missed one. */
  aliveSince: number | null
  /** The node's last answer. */
  reply: HeartbeatReply | null
}

export interface MasterView {
  now: number
  failMs: number
  rejoinMs: number
  /** Every node of the cluster, in the initial chain order. */
  nodes: readonly string[]
  views: ReadonlyMap<string, NodeView>
}

const failed = (v: MasterView, id: string): boolean => {
  const n = v.views.get(id)
  return n === undefined || v.now - n.lastSeen > v.failMs
}

/**
 * The next configuration, or null to keep `c`. One step at a time, each a new epoch:
 * 1. Remove failed members (head, middle or tail: the surviving neighbours repair the
 *    chain themselves, see chain.ts); never the last one, which holds the only copy.
 *    A failed joining node is dropped.
 * 2. Append the joining node at the tail once it reports, in this epoch, that it holds
 *    everything the tail sent it (state transfer done).
 * 3. Otherwise start the join of one live node outside the chain (the lowest in
 *    `nodes` order) that has answered for `rejoinMs`.
 */
export function nextConfig(c: ChainConfig, v: MasterView): ChainConfig | null {
  const alive = c.chain.filter((id) => !failed(v, id))
  const joining = c.joining !== null && failed(v, c.joining) ? null : c.joining
  if (alive.length > 0 && (alive.length < c.chain.length || joining !== c.joining)) {
    return { epoch: c.epoch + 1, chain: alive, joining }
  }
  if (alive.length === 0) return null // nothing left to serve from: wait for a member to come back

  if (c.joining !== null) {
    const r = v.views.get(c.joining)?.reply
    if (r && r.epoch === c.epoch && r.synced) return { epoch: c.epoch + 1, chain: [...c.chain, c.joining], joining: null }
    return null
  }

  const candidate = v.nodes.find((id) => {
    if (c.chain.includes(id)) return false
    const since = v.views.get(id)?.aliveSince
    return since !== null && since !== undefined && v.now - since >= v.rejoinMs
  })
  return candidate === undefined ? null : { epoch: c.epoch + 1, chain: c.chain, joining: candidate }
}
