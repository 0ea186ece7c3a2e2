import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { findFork, longForkChecker, type LongForkCheckerOptions, type LongForkResult } from '../../../checkers/long-fork.js'
import type { Op } from '../../../core/op.js'
import { HistoryBuilder, context, jepsenFixture } from './history-builder.js'

const check = async (history: Op[], options: LongForkCheckerOptions = {}): Promise<LongForkResult> => (await longForkChecker(options).check(history, context)) as LongForkResult
const w = (k: number): unknown[] => [['w', k, 1]]
const r = (...seen: (number | null)[]): unknown[] => seen.map((v, k) => ['r', k, v])
const rNil = (n: number): unknown[] => Array.from({ length: n }, (_, k) => ['r', k, null])

describe('long-fork checker: Jepsen history', () => {
  it('long-fork.edn with group size 3 is invalid: one read saw 0 and 1, the other 2 and 0', async () => {
    const res = await check(jepsenFixture('long-fork.edn'), { groupSize: 3 })
    expect(res.valid).toBe(false)
    expect(res.forkCount).toBe(1)
    expect(res.forks[0]).toMatchObject({ onlyA: [1], onlyB: [2] })
    expect(res.valuesChecked).toBe(false)
    expect(res.summary).toMatch(/^1 long fork\(s\): e\.g\. the read at op 1 saw 1 written but not 2, the read at op 3 saw 2 but not 1/)
  })

  it('long-fork.edn with a group size its reads do not have is unknown, not judged', async () => {
    const res = await check(jepsenFixture('long-fork.edn'), { groupSize: 2 })
    expect(res).toMatchObject({ valid: 'unknown', summary: 'cannot check: read at index 1 covers 3 key(s), not a group of 2' })
  })
})

describe('long-fork checker: one history per finding', () => {
  it('valid: reads of a group nested one in the next; early and late reads counted', async () => {
    const h = new HistoryBuilder()
      .call(0, 'txn', w(0)).call(1, 'txn', rNil(3), r(1, null, null))
      .call(0, 'txn', w(2)).call(1, 'txn', rNil(3), r(1, null, 1))
      .call(2, 'txn', rNil(3), r(null, null, null)).call(0, 'txn', w(1)).call(1, 'txn', rNil(3), r(1, 1, 1))
    const res = await check(h.ops, { groupSize: 3 })
    expect(res.valid).toBe(true)
    expect(res).toMatchObject({ reads: 4, groups: 1, writes: 3, earlyReads: 1, lateReads: 1, forkCount: 0 })
  })

  it('long fork: T3 sees x but not y, T4 sees y but not x', async () => {
    const h = new HistoryBuilder().call(0, 'txn', w(0)).call(1, 'txn', w(1)).call(2, 'txn', rNil(2), r(1, null)).call(3, 'txn', rNil(2), r(null, 1))
    const res = await check(h.ops)
    expect(res.valid).toBe(false)
    expect(res.forks).toEqual([{ keys: [0, 1], a: { index: 5, values: { 0: 1, 1: null } }, b: { index: 7, values: { 0: null, 1: 1 } }, onlyA: [0], onlyB: [1] }])
  })

  it('groups are separate: reads of different groups are never compared', async () => {
    const other = [['r', 2, null], ['r', 3, null]]
    const h = new HistoryBuilder().call(0, 'txn', w(0)).call(0, 'txn', w(2)).call(2, 'txn', rNil(2), r(1, null)).call(3, 'txn', other, [['r', 2, 1], ['r', 3, null]])
    expect((await check(h.ops)).valid).toBe(true)
  })

  it('a value no one wrote is invalid', async () => {
    const h = new HistoryBuilder().call(0, 'txn', w(0)).call(2, 'txn', rNil(2), r(1, 7))
    const res = await check(h.ops)
    expect(res.valid).toBe(false)
    expect(res.unexpected).toEqual([{ index: 3, key: 1, value: 7 }])
  })

  it('unknown when a key is written twice, or when no read completed', async () => {
    const twice = await check(new HistoryBuilder().call(0, 'txn', w(0)).call(1, 'txn', [['w', 0, 2]]).call(2, 'txn', rNil(2), r(1, null)).ops)
    expect(twice).toMatchObject({ valid: 'unknown', summary: 'cannot check: key 0 is written more than once (op 2): the long-fork method needs one write per key' })
    expect((await check(new HistoryBuilder().call(0, 'txn', w(0)).ops)).valid).toBe('unknown')
  })
})

describe('long-fork checker: agrees with comparing every pair of reads', () => {
  it('a fork is found exactly when some two reads of the group are not nested (5,000 groups)', () => {
    const seen = fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 5 }).map((ks) => ({ seen: new Set(ks.map(String)) }))
    fc.assert(
      fc.property(fc.array(seen, { maxLength: 8 }), (reads) => {
        const nested = (a: Set<string>, b: Set<string>): boolean => [...a].every((x) => b.has(x)) || [...b].every((x) => a.has(x))
        const pairwise = reads.some((a, i) => reads.some((b, j) => i < j && !nested(a.seen, b.seen)))
        const pair = findFork(reads)
        expect(pair !== undefined).toBe(pairwise)
        if (pair) expect(nested(pair[0].seen, pair[1].seen)).toBe(false)
      }),
      { numRuns: 5000, seed: 14 },
    )
  })
})
