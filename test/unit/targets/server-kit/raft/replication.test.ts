/** The pure Raft rules of the library: the in-memory log, the follower's consistency check, back-off, commit and election rules. */
import { describe, expect, it } from 'vitest'
import { electionTimeout, grantVote, logIsUpToDate, quorum } from '../../../../../targets/server-kit/raft/election.js'
import { RaftLog } from '../../../../../targets/server-kit/raft/log.js'
import type { Entry } from '../../../../../targets/server-kit/raft/messages.js'
import { checkAppend, commitIndexFor, nextIndexAfterReject } from '../../../../../targets/server-kit/raft/replication.js'

/** A log from a list of terms: terms[i] is the term of entry i + 1 + base. */
function logOf(terms: number[], base = 0, baseTerm = 0): RaftLog<null> {
  return new RaftLog(base, baseTerm, entries(base + 1, terms))
}
function entries(from: number, terms: number[]): Entry<null>[] {
  return terms.map((term, i) => ({ index: from + i, term, command: null }))
}

describe('RaftLog', () => {
  it('addresses entries by index across a snapshot', () => {
    const log = logOf([3, 3, 4], 10, 2)
    expect(log.lastIndex).toBe(13)
    expect(log.lastTerm).toBe(4)
    expect(log.termAt(10)).toBe(2)
    expect(log.termAt(9)).toBeUndefined()
    expect(log.termAt(14)).toBeUndefined()
    expect(log.slice(12).map((e) => e.index)).toEqual([12, 13])
    expect(() => log.slice(10)).toThrow(/compacted/)
  })

  it('refuses appends that leave a gap', () => {
    expect(() => logOf([1]).append(entries(3, [1]))).toThrow(/append of entry 3 after 1/)
  })

  it('compacts, keeping a matching suffix and dropping a conflicting one', () => {
    const log = logOf([1, 1, 2, 2])
    log.compactTo(2, 1)
    expect([log.snapshotIndex, log.length, log.lastIndex]).toEqual([2, 2, 4])
    const other = logOf([1, 1, 2, 2])
    other.compactTo(3, 5) // a leader's snapshot that disagrees at 3
    expect([other.snapshotIndex, other.length, other.lastIndex, other.lastTerm]).toEqual([3, 0, 3, 5])
  })

  it('finds term boundaries', () => {
    const log = logOf([1, 1, 4, 4, 4, 5])
    expect(log.firstIndexOfTerm(5)).toBe(3)
    expect(log.lastIndexOfTerm(4)).toBe(5)
    expect(log.lastIndexOfTerm(2)).toBeUndefined()
  })
})

describe('checkAppend (follower consistency check)', () => {
  it('accepts a matching prefix and appends only new entries', () => {
    const d = checkAppend(logOf([1, 1, 2]), { prevLogIndex: 2, prevLogTerm: 1, entries: entries(3, [2, 2]) })
    expect(d).toEqual({ ok: true, truncateFrom: null, toAppend: entries(4, [2]), matchIndex: 4 })
  })

  it('rejects a log that is too short with its length as the hint', () => {
    expect(checkAppend(logOf([1]), { prevLogIndex: 5, prevLogTerm: 1, entries: [] })).toEqual({ ok: false, conflictTerm: null, conflictIndex: 2 })
  })

  it('rejects a term mismatch with the first index of the conflicting term', () => {
    const d = checkAppend(logOf([1, 2, 2, 2]), { prevLogIndex: 4, prevLogTerm: 3, entries: [] })
    expect(d).toEqual({ ok: false, conflictTerm: 2, conflictIndex: 2 })
  })

  it('truncates a conflicting suffix', () => {
    const d = checkAppend(logOf([1, 2, 2]), { prevLogIndex: 1, prevLogTerm: 1, entries: entries(2, [3]) })
    expect(d).toEqual({ ok: true, truncateFrom: 2, toAppend: entries(2, [3]), matchIndex: 2 })
  })

  it('never truncates on a stale, shorter duplicate request', () => {
    const d = checkAppend(logOf([1, 1, 1, 1]), { prevLogIndex: 1, prevLogTerm: 1, entries: entries(2, [1]) })
    expect(d).toEqual({ ok: true, truncateFrom: null, toAppend: [], matchIndex: 2 })
  })

  it('treats entries covered by its snapshot as matching', () => {
    const log = logOf([2, 2], 5, 2) // entries 6, 7 after a snapshot at 5
    expect(checkAppend(log, { prevLogIndex: 3, prevLogTerm: 1, entries: entries(4, [2, 2, 2, 3, 3]) })).toEqual({
      ok: true,
      truncateFrom: 7,
      toAppend: entries(7, [3, 3]),
      matchIndex: 8,
    })
    expect(checkAppend(log, { prevLogIndex: 1, prevLogTerm: 1, entries: entries(2, [1]) })).toMatchObject({ ok: true, matchIndex: 2 })
  })
})

describe('nextIndexAfterReject (fast back-off)', () => {
  it('skips past our last entry of the conflicting term when we have it', () => {
    // Leader 1 1 1 4 4 5 5 6 6 6; follower 1 1 1 4 4 4 4 (Figure 7 (a)-like)
    const leader = logOf([1, 1, 1, 4, 4, 5, 5, 6, 6, 6])
    expect(nextIndexAfterReject(leader, 10, { conflictTerm: null, conflictIndex: 8 })).toBe(8)
    expect(nextIndexAfterReject(leader, 7, { conflictTerm: 4, conflictIndex: 4 })).toBe(6)
  })

  it('jumps to the first index of a term the leader never had', () => {
    const leader = logOf([1, 1, 1, 4, 4, 5, 5, 6, 6, 6])
    // follower 1 1 1 2 2 2 3 3 3 3 3 (Figure 7 (f)): conflict term 3 starts at 7
    expect(nextIndexAfterReject(leader, 10, { conflictTerm: 3, conflictIndex: 7 })).toBe(7)
  })

  it('always moves backwards and never below 1', () => {
    const leader = logOf([1, 2])
    expect(nextIndexAfterReject(leader, 2, { conflictTerm: null, conflictIndex: 9 })).toBe(2)
    expect(nextIndexAfterReject(leader, 1, { conflictTerm: 7, conflictIndex: 0 })).toBe(1)
  })
})

describe('commitIndexFor (commit rule)', () => {
  it('commits the highest index held by a majority', () => {
    expect(commitIndexFor(logOf([1, 1, 1, 1]), [4, 3, 1], 1, 0)).toBe(3)
    expect(commitIndexFor(logOf([1, 1, 1, 1]), [4, 4, 3, 1, 0], 1, 0)).toBe(3)
  })

  it('never commits an entry of an older term by counting replicas (Figure 8)', () => {
    // Leader of term 4 holds entry 2 of term 2 on a majority, but nothing of term 4 yet.
    const log = logOf([1, 2, 4])
    expect(commitIndexFor(log, [3, 2, 2, 1, 1], 4, 1)).toBe(1)
    // Once an entry of term 4 is on a majority, it and everything before it commit.
    expect(commitIndexFor(log, [3, 3, 3, 1, 1], 4, 1)).toBe(3)
  })

  it('never moves the commit index back', () => {
    expect(commitIndexFor(logOf([1, 1, 1]), [3, 1, 1], 1, 2)).toBe(2)
  })
})

describe('election rules', () => {
  it('grants one vote per term, to an up-to-date log only', () => {
    const voter = { currentTerm: 5, votedFor: null, lastLogIndex: 10, lastLogTerm: 4 }
    expect(grantVote(voter, { term: 5, candidateId: 'n2', lastLogIndex: 10, lastLogTerm: 4 })).toBe(true)
    expect(grantVote({ ...voter, votedFor: 'n3' }, { term: 5, candidateId: 'n2', lastLogIndex: 10, lastLogTerm: 4 })).toBe(false)
    expect(grantVote({ ...voter, votedFor: 'n2' }, { term: 5, candidateId: 'n2', lastLogIndex: 10, lastLogTerm: 4 })).toBe(true)
    expect(grantVote(voter, { term: 5, candidateId: 'n2', lastLogIndex: 9, lastLogTerm: 4 })).toBe(false)
    expect(grantVote(voter, { term: 4, candidateId: 'n2', lastLogIndex: 99, lastLogTerm: 9 })).toBe(false)
  })

  it('compares logs by last term first, then length', () => {
    expect(logIsUpToDate({ lastLogTerm: 3, lastLogIndex: 1 }, { lastLogTerm: 2, lastLogIndex: 50 })).toBe(true)
    expect(logIsUpToDate({ lastLogTerm: 2, lastLogIndex: 49 }, { lastLogTerm: 2, lastLogIndex: 50 })).toBe(false)
  })

  it('draws timeouts in the range and counts majorities', () => {
    expect(electionTimeout({ min: 300, max: 600 }, () => 0)).toBe(300)
    expect(electionTimeout({ min: 300, max: 600 }, () => 0.9999)).toBe(599)
    expect([1, 2, 3, 4, 5].map(quorum)).toEqual([1, 2, 2, 3, 3])
  })
})
