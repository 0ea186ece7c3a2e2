/**
 * What travels between raft-kv nodes and between clients and nodes: log
 * entries, the commands they carry, the Raft RPCs (Figure 2 of the extended
 * paper, plus the conflict hint of section 5.3) and the client API's answers.
 * Everything is plain JSON.
 */

/** A micro-op of a transaction: append to a list, read, or write a key. */
export type MicroOp = ['append', unknown, unknown] | ['r', unknown, unknown] | ['w', unknown, unknown]

export type Command =
  | { op: 'noop' }
  | { op: 'write'; key: unknown; value: unknown }
  | { op: 'cas'; key: unknown; from: unknown; to: unknown }
  | { op: 'txn'; ops: MicroOp[] }

export interface Entry {
  index: number
  term: number
  command: Command
}

export interface RequestVoteArgs {
  term: number
  candidateId: string
  lastLogIndex: number
  lastLogTerm: number
}
export interface RequestVoteReply {
  term: number
  voteGranted: boolean
}

export interface AppendEntriesArgs {
  term: number
  leaderId: string
  prevLogIndex: number
  prevLogTerm: number
  entries: Entry[]
  leaderCommit: number
}
export interface AppendEntriesReply {
  term: number
  success: boolean
  /** On success: the index of the last entry the follower now holds that matches the leader. */
  matchIndex: number
  /** On rejection: the follower's term at prevLogIndex (null if its log is too short). */
  conflictTerm: number | null
  /** On rejection: the first index of conflictTerm in the follower's log, or its last index + 1. */
  conflictIndex: number
}

/** A snapshot: the state machine as of lastIncludedIndex (section 7). */
export interface Snapshot {
  lastIncludedIndex: number
  lastIncludedTerm: number
  state: unknown
}
export interface InstallSnapshotArgs {
  term: number
  leaderId: string
  snapshot: Snapshot
}
export interface InstallSnapshotReply {
  term: number
}

/**
 * Errors a client can get. The definite ones say the operation certainly had no
 * effect; the others mean it may or may not have happened (and may happen later).
 */
export const DEFINITE_ERRORS = ['not-leader', 'unavailable', 'cas-mismatch', 'bad-request', 'type-mismatch'] as const
export const INDEFINITE_ERRORS = ['timeout', 'leadership-lost', 'proxy-failed', 'shutting-down'] as const
export type DefiniteError = (typeof DEFINITE_ERRORS)[number]
export type IndefiniteError = (typeof INDEFINITE_ERRORS)[number]
export type KvError = DefiniteError | IndefiniteError

export type KvReply = { ok: true; value?: unknown } | { ok: false; error: KvError; leader: string | null; message?: string }

export function isDefiniteError(error: string): error is DefiniteError {
  return (DEFINITE_ERRORS as readonly string[]).includes(error)
}

export type Role = 'follower' | 'candidate' | 'leader'

export interface Status {
  id: string
  role: Role
  term: number
  leader: string | null
  commitIndex: number
  lastApplied: number
  /** Index of the last entry held (snapshot included). */
  lastLogIndex: number
  /** Index covered by the latest snapshot. */
  snapshotIndex: number
  /** Entries held in memory after the snapshot. */
  logLength: number
  bug: string | null
}
