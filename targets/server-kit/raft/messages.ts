/**
 * What travels between Raft servers (Figure 2 of the extended paper, plus the
 * conflict hint of section 5.3), what the library answers its application,
 * and the state machine it replicates. Plain JSON throughout; `C` is the
 * application's command type.
 */

/**
 * The application's deterministic state machine. Every server applies the
 * same committed commands in log order, so every replica holds the same state.
 */
export interface StateMachine<C, R> {
  /** Applies one committed command; the result goes to whoever proposed it. */
  apply(command: C): R
  /** The whole state as JSON (log compaction, and followers too far behind). */
  snapshot(): unknown
  /** Replaces the whole state by one `snapshot()` gave (here or on another server). */
  restore(state: unknown): void
}

export interface Entry<C> {
  index: number
  term: number
  /** null: the no-op a new leader appends to commit entries of earlier terms. */
  command: C | null
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

export interface AppendEntriesArgs<C> {
  term: number
  leaderId: string
  prevLogIndex: number
  prevLogTerm: number
  entries: Entry<C>[]
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
 * Why a proposal or a read got no result. `not-leader`: refused, nothing
 * happened. The others leave the proposal's effect unknown: `timeout` (not
 * committed in time), `leadership-lost` (its entry was replaced by another
 * leader's, reported conservatively), `shutting-down`. A read never has an effect.
 */
export type RaftError = 'not-leader' | 'timeout' | 'leadership-lost' | 'shutting-down'

export type RaftReply<T> = { ok: true; value: T } | { ok: false; error: RaftError; leader: string | null }

export type Role = 'follower' | 'candidate' | 'leader'

export interface RaftStatus {
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
}
