import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { uniqueIdsChecker, type UniqueIdsResult } from '../../../checkers/unique-ids.js'
import type { Op } from '../../../core/op.js'
import { HistoryBuilder, checkedBothWays } from './history-builder.js'
import { interleave, type Call } from './interleave.js'

// Every history here is checked whole and by the fold, which must agree.
const check = async (history: Op[]): Promise<UniqueIdsResult> => (await checkedBothWays(uniqueIdsChecker(), history)) as UniqueIdsResult

describe('unique-ids checker', () => {
  it('valid: every acknowledged id distinct; reports the count and the range', async () => {
    const h = new HistoryBuilder().call(0, 'generate', null, 7).call(1, 'generate', null, 3).call(1, 'generate', null, 3, 'info').call(0, 'generate', null, 12)
    const r = await check(h.ops)
    expect(r).toMatchObject({ valid: true, attempted: 4, acknowledged: 3, duplicatedCount: 0, range: [3, 12] })
    expect(r.summary).toBe('3 distinct ids (3/4 generates acknowledged, ids 3..12)')
  })

  it('invalid: an id returned twice, with the ops that returned it', async () => {
    const h = new HistoryBuilder().call(0, 'generate', null, 1).call(1, 'generate', null, 2).call(2, 'generate', null, 1)
    const r = await check(h.ops)
    expect(r.valid).toBe(false)
    expect(r.duplicates).toEqual([{ id: 1, count: 2, ops: [1, 5] }])
    expect(r.summary).toMatch(/^1 id\(s\) returned more than once \(e\.g\. 1 2 times, ops 1, 5\)/)
  })

  it('ids that are not numbers compare by their JSON', async () => {
    const h = new HistoryBuilder().call(0, 'generate', null, 'n1-5').call(1, 'generate', null, 'n2-5').call(1, 'generate', null, 'n1-5')
    const r = await check(h.ops)
    expect(r).toMatchObject({ valid: false, range: ['n1-5', 'n2-5'] })
  })

  it('unknown when no generate was acknowledged', async () => {
    expect((await check(new HistoryBuilder().call(0, 'generate', null, null, 'info').ops)).valid).toBe('unknown')
  })

  it('agrees with a pairwise comparison of every two acknowledged ids (2,000 histories)', async () => {
    const call = fc.record({ f: fc.constant('generate'), value: fc.constant(null), result: fc.integer({ min: 0, max: 12 }), type: fc.constantFrom('ok', 'ok', 'info', 'fail') }) as fc.Arbitrary<Call>
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(call, { maxLength: 5 }), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 40 }), async (procs, picks) => {
        const history = interleave(procs, picks)
        const ids = history.filter((o) => o.type === 'ok').map((o) => o.value)
        const dup = ids.some((a, i) => ids.some((b, j) => i < j && a === b))
        const r = await check(history)
        expect(r.valid).toBe(ids.length === 0 ? 'unknown' : !dup)
      }),
      { numRuns: 2000, seed: 14 },
    )
  })

  it('folds to the whole-history result: duplicates in the order the generates were invoked, ties by first seen, mixed kinds of ids (2,000 histories)', async () => {
    const id = fc.oneof(fc.integer({ min: -3, max: 8 }), fc.constantFrom('a', 'b', 'n1-5'), fc.constantFrom(null, 2.5, [1], { n: 1 }, -0))
    const call = fc.record({ f: fc.constantFrom('generate', 'generate', 'generate', 'read'), value: fc.constant(null), result: id, type: fc.constantFrom('ok', 'ok', 'info', 'fail', 'pending') }) as fc.Arbitrary<Call>
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(call, { maxLength: 8 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 80 }), async (procs, picks) => {
        await check(interleave(procs, picks))
      }),
      { numRuns: 2000, seed: 16 },
    )
  })

  it('keeps thousands of numeric ids apart through the table\'s growth, and finds the one repeated', async () => {
    const h = new HistoryBuilder()
    for (let i = 0; i < 5000; i++) h.call(i % 7, 'generate', null, i * 3 - 7000)
    h.call(3, 'generate', null, 4 * 3 - 7000)
    const r = await check(h.ops)
    expect(r).toMatchObject({ valid: false, acknowledged: 5001, duplicatedCount: 1, duplicates: [{ id: -6988, count: 2, ops: [9, 10001] }], range: [-7000, 4997 * 3 - 7000 + 6] })
  })
})
