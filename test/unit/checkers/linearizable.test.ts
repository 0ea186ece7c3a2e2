import { describe, expect, it } from 'vitest'
import type { CheckResult, Checker } from '../../../checkers/checker.js'
import { linearizable, type LinearizableResult } from '../../../checkers/linearizable.js'
import type { Op } from '../../../core/op.js'
import { context, folded, judged, recorded } from './register-histories.js'

async function expectSameBothWays(checker: Checker, history: readonly Op[]): Promise<CheckResult> {
  const whole = await checker.check([...history], context)
  expect(judged(await folded(checker, history, true))).toEqual(judged(whole))
  expect(judged(await folded(checker, history, false))).toEqual(judged(whole))
  return whole
}

describe('linearizable, folding by key', () => {
  it('offers a fold only where keys are checked apart', () => {
    expect(linearizable({ model: 'cas-register', independent: true }).fold).toBeDefined()
    expect(linearizable({ model: 'kv', independent: true }).fold).toBeDefined()
    expect(linearizable({ model: 'cas-register' }).fold).toBeUndefined()
    // The counter model keeps every key in one state: no split by key.
    expect(linearizable({ model: 'counter', independent: true }).fold).toBeUndefined()
    expect(linearizable({ model: 'kv', consistency: 'sequential' }).fold).toBeUndefined()
  })

  it('gives the same result as the whole history for valid histories, batch by batch', async () => {
    const history = await recorded({ ops: 3000, seed: 11, opsPerKey: 40, uncertain: 0.05 })
    for (const batchOps of [50, 1000, 50_000]) {
      const r = await expectSameBothWays(linearizable({ model: 'cas-register', independent: true, batchOps }), history)
      expect(r.valid).toBe(true)
      // The history has failed cas ops (uncertain), which are counted but cannot have taken effect.
      expect(r.summary).toMatch(/^\d+ key\(s\) linearizable \(checked [\d,]+ of [\d,]+ client operations; the [\d,]+ that failed cannot have taken effect; model cas-register\)$/)
    }
  })

  it('gives the same failing key, counterexample and explanation as the whole history', async () => {
    let invalid = 0
    let argued = 0
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const history = await recorded({ ops: 2000, seed, bug: 'stale-read', opsPerKey: 30, uncertain: seed % 2 === 0 ? 0.1 : 0 })
      for (const batchOps of [60, 700]) {
        const r = await expectSameBothWays(linearizable({ model: 'cas-register', independent: true, batchOps }), history)
        if (r.valid !== false) continue
        invalid++
        const lin = r as LinearizableResult
        expect(lin.explanation).toMatch(/not linearizable/)
        expect(lin.failedKey).toBeDefined()
        expect(lin.detail?.failedPartition).toBeDefined()
        if (lin.argument) argued++
      }
    }
    // The stale-read bug shows on most of these runs: the comparison covered failures.
    expect(invalid).toBeGreaterThanOrEqual(4)
    // And the explanation's argument (which op cannot be placed, and why) was among what both paths agreed on.
    expect(argued).toBeGreaterThanOrEqual(1)
  }, 120_000)

  it('agrees on literal histories: fail and info ops, values without a key, the nemesis, nothing at all', async () => {
    const ops: Omit<Op, 'index' | 'time'>[] = [
      { type: 'invoke', process: 0, f: 'write', value: ['a', 1] },
      { type: 'invoke', process: 'nemesis', f: 'start-partition', value: null },
      { type: 'invoke', process: 1, f: 'read', value: ['b', null] },
      { type: 'ok', process: 0, f: 'write', value: ['a', 1] },
      { type: 'ok', process: 'nemesis', f: 'start-partition', value: 'halves' },
      { type: 'invoke', process: 0, f: 'cas', value: ['a', [1, 2]] },
      { type: 'ok', process: 1, f: 'read', value: ['b', null] },
      { type: 'invoke', process: 1, f: 'write', value: 7 },
      { type: 'fail', process: 0, f: 'cas', value: ['a', [1, 2]] },
      { type: 'info', process: 1, f: 'write', value: 7 },
      { type: 'invoke', process: 11, f: 'read', value: null },
      { type: 'ok', process: 11, f: 'read', value: 7 },
      { type: 'invoke', process: 0, f: 'read', value: ['a', null] },
      { type: 'ok', process: 0, f: 'read', value: ['a', 2] },
      { type: 'invoke', process: 2, f: 'write', value: ['c', 3] },
    ]
    const history = ops.map((op, index) => ({ ...op, index, time: index * 10 }) as Op)
    const checker = linearizable({ model: 'cas-register', independent: true, batchOps: 1 })
    const bad = await expectSameBothWays(checker, history)
    // Key "a" reads 2, which no write made (the cas that would have failed).
    expect(bad.valid).toBe(false)
    expect((bad as LinearizableResult).failedKey).toBe('a')
    const good = await expectSameBothWays(checker, history.slice(0, 12))
    expect(good.valid).toBe(true)
    // Five client invocations, one a cas that failed: counted the same by the fold and the whole-history check.
    expect(good.summary).toBe('3 key(s) linearizable (checked 4 of 5 client operations; the 1 that failed cannot have taken effect; model cas-register)')
    const none = await expectSameBothWays(checker, [])
    expect(none.summary).toBe('0 key(s) linearizable (0 client operations; model cas-register)')
  })
})
