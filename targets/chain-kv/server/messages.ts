/**
 * What travels between chain-kv nodes and between clients and nodes. Plain
 * JSON throughout. See ../README.md for the routes that carry them.
 */
import type { KvCommand } from '../../server-kit/kv-store.js'
import type { KvError } from '../../server-kit/replies.js'

/**
 * A state change as the head orders it: a command of the shared key-value
 * store (../../server-kit/kv-store.ts). Replicas apply it in `seq` order, each
 * one whole, so a command that touches several keys (a transfer, a
 * transaction) is atomic at every replica.
 */
export type Operation = KvCommand

export interface Update {
  /** Position in the chain's single order of updates, 1, 2, 3, ... (assigned by the head). */
  seq: number
  operation: Operation
}

/**
 * The chain's configuration, owned by the master (a Raft-replicated value).
 * Every change increments `epoch`; nodes refuse chain messages from another epoch.
 */
export interface ChainConfig {
  epoch: number
  /** Head first, tail last. */
  chain: string[]
  /** A node being brought up to date by the tail before it is appended (paper section 3, "extending a chain"). */
  joining: string | null
}

export type Role = 'head' | 'middle' | 'tail' | 'standby'

/**
 * A moment on one node's monotonic clock: `at` is its performance.now(), `boot`
 * names the process (a restarted node's clock starts again from zero).
 */
export interface LeaseStamp {
  boot: string
  at: number
}

/** Master → node, every heartbeat period: liveness probe, lease, and the configuration. */
export interface HeartbeatArgs {
  /** The master's current epoch. */
  epoch: number
  /** The configuration, sent only to the nodes it names (chain members and the joining node). */
  config: ChainConfig | null
  /** The master replica that sends it (the Raft leader). */
  master: string
  /**
   * The stamp of the node's last heartbeat reply that this master received (null
   * before it got one). The node's lease runs from that moment, which precedes the
   * master's own `lastSeen` for it: a heartbeat delayed in the network (or queued
   * while the node was paused) grants nothing the master has not counted.
   */
  lease?: LeaseStamp | null
}
export interface HeartbeatReply {
  id: string
  epoch: number
  seq: number
  role: Role
  /** This node holds everything its predecessor had when this epoch began. */
  synced: boolean
  /** When the node answered, on its own clock: echoed by the master in its next heartbeat. */
  lease?: LeaseStamp
}

/** Predecessor → successor: updates in seq order (possibly none, to learn the successor's seq). */
export interface ForwardArgs {
  epoch: number
  from: string
  updates: Update[]
  /** The sender's own last seq when it sent this. */
  upTo: number
}
/** Predecessor → successor: the whole state, for a node that joins (or is too far behind). */
export interface SnapshotArgs {
  epoch: number
  from: string
  seq: number
  kv: [string, unknown][]
}
/** Successor → predecessor: the tail holds every update up to `seq`. */
export interface AckArgs {
  epoch: number
  from: string
  seq: number
}
/** The answer to forward / snapshot / ack. `seq` is the receiver's last applied seq. */
export type ChainReply =
  | { ok: true; seq: number }
  | { ok: false; error: 'stale-epoch' | 'future-epoch' | 'not-neighbour' | 'gap'; epoch: number; seq: number }

/** An answer of /kv/*; what each error says about the operation is in ../../server-kit/replies.ts. */
export type KvReply =
  | { ok: true; value?: unknown }
  | { ok: false; error: KvError; epoch: number; head: string | null; tail: string | null; message?: string }

export interface Status {
  id: string
  role: Role
  epoch: number
  chain: string[]
  head: string | null
  tail: string | null
  joining: string | null
  /** Last applied update. */
  seq: number
  /** Highest seq the tail is known to hold (the Sent list is everything after it). */
  ackedSeq: number
  /** Updates applied but not yet acknowledged by the tail (the paper's Sent list). */
  sent: number
  synced: boolean
  /** It holds a lease from the master now: as head it takes writes, as tail it answers reads. */
  lease: boolean
  /** The master replica on this node (a Raft server). */
  master: { role: string; term: number; leader: string | null }
  bug: string | null
}
