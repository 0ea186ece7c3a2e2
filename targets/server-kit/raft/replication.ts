/**
 * Log replication rules (section 5.3 and 5.4.2 of the extended Raft paper), as
 * pure functions of a log: the follower's consistency check, the leader's fast
 * back-off after a rejection, and the commit rule.
 */
import type { RaftLog } from './log.js'
import type { AppendEntriesArgs, AppendEntriesReply, Entry } from './messages.js'

export type AppendDecision<C> =
  | { ok: false; conflictTerm: number | null; conflictIndex: number }
  | {
      ok: true
      /** Remove the follower's entries from this index on before appending (a conflict), or null. */
      truncateFrom: number | null
      /** The entries the follower does not hold yet. */
      toAppend: Entry<C>[]
      /** The last index known to match the leader after this request. */
      matchIndex: number
    }

/**
 * The follower side of AppendEntries, after the term check: does our log hold
 * an entry at prevLogIndex with prevLogTerm? If so, which entries are new and
 * where does a conflicting suffix start? Entries already held with the same
 * term are kept: a late duplicate request must never truncate a longer log.
 */
export function checkAppend<C>(log: RaftLog<C>, args: Pick<AppendEntriesArgs<C>, 'prevLogIndex' | 'prevLogTerm' | 'entries'>): AppendDecision<C> {
  let { prevLogIndex, prevLogTerm } = args
  let entries = args.entries
  // Entries up to our snapshot are committed, hence identical to the leader's
  // (Leader Completeness): skip them and check from the snapshot on.
  if (prevLogIndex < log.snapshotIndex) {
    entries = entries.filter((e) => e.index > log.snapshotIndex)
    if (entries.length === 0) return { ok: true, truncateFrom: null, toAppend: [], matchIndex: args.prevLogIndex + args.entries.length }
    prevLogIndex = log.snapshotIndex
    prevLogTerm = log.snapshotTerm
  }
  if (prevLogIndex > log.lastIndex) return { ok: false, conflictTerm: null, conflictIndex: log.lastIndex + 1 }
  const ourTerm = log.termAt(prevLogIndex)!
  if (ourTerm !== prevLogTerm) {
    return { ok: false, conflictTerm: ourTerm, conflictIndex: log.firstIndexOfTerm(prevLogIndex) }
  }
  let truncateFrom: number | null = null
  let firstNew = entries.length
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    const held = log.termAt(e.index)
    if (held === e.term) continue
    if (held !== undefined) truncateFrom = e.index
    firstNew = i
    break
  }
  return { ok: true, truncateFrom, toAppend: entries.slice(firstNew), matchIndex: prevLogIndex + entries.length }
}

/**
 * The leader's next guess for a follower that rejected AppendEntries sent with
 * `prevLogIndex`: skip the whole conflicting term at once instead of one entry
 * per round trip. If we hold entries of the follower's conflicting term, retry
 * just after our last one; otherwise start at the first index of that term.
 */
export function nextIndexAfterReject(log: RaftLog<unknown>, prevLogIndex: number, reply: Pick<AppendEntriesReply, 'conflictTerm' | 'conflictIndex'>): number {
  let next = reply.conflictIndex
  if (reply.conflictTerm !== null) {
    const ours = log.lastIndexOfTerm(reply.conflictTerm)
    if (ours !== undefined) next = ours + 1
  }
  // Always make progress backwards, never past the start.
  return Math.max(1, Math.min(next, prevLogIndex))
}

/**
 * The commit rule: the highest index stored on a majority, but only if that
 * entry is from the current term (section 5.4.2, Figure 8: an entry of an older
 * term is committed only indirectly, by a current-term entry after it).
 * `matchIndexes` has one value per server, the leader's own durable index included.
 */
export function commitIndexFor(log: RaftLog<unknown>, matchIndexes: readonly number[], currentTerm: number, commitIndex: number): number {
  const sorted = [...matchIndexes].sort((a, b) => b - a)
  const majority = Math.floor(sorted.length / 2) // sorted[majority] is held by majority+1 servers
  const n = sorted[majority] ?? 0
  if (n > commitIndex && log.termAt(n) === currentTerm) return n
  return commitIndex
}
