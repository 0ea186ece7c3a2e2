/**
 * The long-fork checker: keys come in groups, every key is written once (a
 * transaction of one write), and reads read a whole group in one transaction.
 * Under snapshot isolation every read sees a prefix of one order of the
 * writes, so for any two reads of a group, the keys one saw written include
 * the keys the other saw. A long fork is two reads where each saw a write the
 * other did not: they observed the writes in incompatible orders (allowed by
 * parallel snapshot isolation, forbidden by snapshot isolation and stronger).
 *
 * Per group, the reads' sets of written keys are sorted by size; all of them
 * are nested exactly when each is contained in the next, so one pass finds a
 * fork if there is one (a pair of neighbours that are not nested).
 *
 * Also invalid: a read of a value no one wrote to that key (checked when the
 * history holds writes; a read-only excerpt cannot tell). Unknown when a key
 * is written more than once (the method needs one write per key), when a read
 * does not cover `groupSize` keys (if given), or when no read completed.
 *
 * Values are transactions of micro-ops, whatever the op's `f` (dstest's
 * workload uses `txn`, Jepsen's `write` and `read`): a write is
 * [['w', k, v]], a read [['r', k, null], ...] → [['r', k, v or null], ...].
 */
import { pairOps, type Op } from '../core/op.js'
import type { CheckResult, Checker } from './checker.js'

export interface LongForkCheckerOptions {
  /** Keys per group: every read must cover exactly this many (default: not checked). */
  groupSize?: number
}

export interface ForkRead {
  /** History index of the read's completion. */
  index: number
  /** Key → value read (null: not written yet). */
  values: Record<string, unknown>
}

export interface Fork {
  /** The group's keys. */
  keys: unknown[]
  a: ForkRead
  b: ForkRead
  /** Keys a saw written and b did not, and the reverse. */
  onlyA: unknown[]
  onlyB: unknown[]
}

export interface LongForkResult extends CheckResult {
  checker: 'long-fork'
  reads: number
  groups: number
  writes: number
  /** Reads that saw no write of their group, and reads that saw all. */
  earlyReads: number
  lateReads: number
  forkCount: number
  /** One fork per forked group (at most 10). */
  forks: Fork[]
  /** Whether read values were checked against the writes (not when the history holds no write). */
  valuesChecked: boolean
  /** Reads of a value no one wrote (at most 10). */
  unexpected: { index: number; key: unknown; value: unknown }[]
}

class LongForkHistoryError extends Error {}

type MicroOp = [string, unknown, unknown]

function microOps(op: Op): MicroOp[] | undefined {
  const v = op.value
  if (!Array.isArray(v) || v.length === 0) return undefined
  if (!v.every((m) => Array.isArray(m) && m.length === 3 && typeof m[0] === 'string')) return undefined
  return v as MicroOp[]
}

const keyId = (k: unknown): string => JSON.stringify(k) ?? 'null'

interface Read {
  index: number
  mops: MicroOp[]
  /** Ids of the keys it saw written. */
  seen: Set<string>
}

/** Whether every element of `a` is in `b`. */
function within(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (!b.has(x)) return false
  return true
}

/** A pair of reads of one group that saw incompatible orders, or undefined (sorted by how much they saw). */
export function findFork<R extends { seen: ReadonlySet<string> }>(reads: readonly R[]): [R, R] | undefined {
  const sorted = [...reads].sort((x, y) => x.seen.size - y.seen.size)
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!
    const b = sorted[i]!
    if (!within(a.seen, b.seen)) return [a, b]
  }
  return undefined
}

export function longForkChecker(options: LongForkCheckerOptions = {}): Checker {
  return {
    name: 'long-fork',
    check(history): CheckResult {
      try {
        return analyse(history, options)
      } catch (e) {
        if (e instanceof LongForkHistoryError) return { valid: 'unknown', summary: `cannot check: ${e.message}`, checker: 'long-fork' }
        throw e
      }
    },
  }
}

function analyse(history: readonly Op[], options: LongForkCheckerOptions): LongForkResult {
  // Writes, from invocations: an attempted write may have happened.
  const written = new Map<string, unknown>()
  const reads: Read[] = []
  for (const { invoke, complete } of pairOps(history)) {
    if (invoke.process === 'nemesis') continue
    const mops = microOps(invoke)
    if (!mops) continue
    if (mops.length === 1 && mops[0]![0] === 'w') {
      const [, k, v] = mops[0]!
      const id = keyId(k)
      if (written.has(id)) throw new LongForkHistoryError(`key ${id} is written more than once (op ${invoke.index}): the long-fork method needs one write per key`)
      written.set(id, v)
      continue
    }
    if (complete?.type !== 'ok' || !mops.every((m) => m[0] === 'r')) continue
    const done = microOps(complete)
    if (!done || !done.every((m) => m[0] === 'r')) throw new LongForkHistoryError(`read at index ${complete.index} returned ${JSON.stringify(complete.value)}, expected [['r', key, value], ...]`)
    if (options.groupSize !== undefined && new Set(done.map((m) => keyId(m[1]))).size !== options.groupSize) {
      throw new LongForkHistoryError(`read at index ${complete.index} covers ${done.length} key(s), not a group of ${options.groupSize}`)
    }
    reads.push({ index: complete.index, mops: done, seen: new Set(done.filter((m) => m[2] !== null && m[2] !== undefined).map((m) => keyId(m[1]))) })
  }
  const unexpected: LongForkResult['unexpected'] = []
  let unexpectedCount = 0
  const groups = new Map<string, Read[]>()
  let early = 0
  let late = 0
  // A history with no write at all (a read-only excerpt) cannot say which values were written.
  const valuesChecked = written.size > 0
  for (const r of reads) {
    for (const [, k, v] of r.mops) {
      if (v === null || v === undefined || !valuesChecked) continue
      const id = keyId(k)
      if (!written.has(id) || keyId(written.get(id)) !== keyId(v)) {
        unexpectedCount++
        if (unexpected.length < 10) unexpected.push({ index: r.index, key: k, value: v })
      }
    }
    const group = [...new Set(r.mops.map((m) => keyId(m[1])))].sort().join(',')
    const list = groups.get(group)
    if (list) list.push(r)
    else groups.set(group, [r])
    if (r.seen.size === 0) early++
    if (r.seen.size === new Set(r.mops.map((m) => keyId(m[1]))).size) late++
  }
  const forks: Fork[] = []
  let forkCount = 0
  for (const list of groups.values()) {
    const pair = findFork(list)
    if (!pair) continue
    forkCount++
    if (forks.length >= 10) continue
    const [a, b] = pair
    const values = (r: Read): Record<string, unknown> => Object.fromEntries(r.mops.map(([, k, v]) => [String(k), v]))
    forks.push({
      keys: [...new Map(a.mops.map((m) => [keyId(m[1]), m[1]])).values()],
      a: { index: a.index, values: values(a) },
      b: { index: b.index, values: values(b) },
      onlyA: a.mops.filter((m) => a.seen.has(keyId(m[1])) && !b.seen.has(keyId(m[1]))).map((m) => m[1]),
      onlyB: b.mops.filter((m) => b.seen.has(keyId(m[1])) && !a.seen.has(keyId(m[1]))).map((m) => m[1]),
    })
  }
  const tally = `${reads.length} reads of ${groups.size} group(s), ${written.size} writes${valuesChecked ? '' : ' (so read values were not checked)'}; ${early} early and ${late} late read(s) told nothing`
  const bad: string[] = []
  const f = forks[0]
  if (f) {
    const list = (ks: unknown[]): string => ks.map((k) => JSON.stringify(k)).join(', ')
    bad.push(
      `${forkCount} long fork(s): e.g. the read at op ${f.a.index} saw ${list(f.onlyA)} written but not ${list(f.onlyB)}, the read at op ${f.b.index} saw ${list(f.onlyB)} but not ${list(f.onlyA)}: they observed the writes in incompatible orders`,
    )
  }
  if (unexpectedCount) {
    const u = unexpected[0]!
    bad.push(`${unexpectedCount} read value(s) no one wrote (e.g. key ${JSON.stringify(u.key)} = ${JSON.stringify(u.value)} at op ${u.index})`)
  }
  const valid = bad.length ? false : reads.length === 0 ? 'unknown' : true
  return {
    valid,
    summary: bad.length ? `${bad.join('; ')} (${tally})` : reads.length === 0 ? `no read completed, so nothing could be judged (${tally})` : `no long fork: every group's reads saw its writes in one order (${tally})`,
    checker: 'long-fork',
    reads: reads.length,
    groups: groups.size,
    writes: written.size,
    earlyReads: early,
    lateReads: late,
    forkCount,
    forks,
    valuesChecked,
    unexpected,
  }
}
