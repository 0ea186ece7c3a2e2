import { describe, expect, it } from 'vitest'
import { repeat, simulate } from '../../../../core/generator/index.js'
import { pairOps } from '../../../../core/op.js'
import { invokes } from './helpers.js'

describe('simulate', () => {
  it('records every invocation with one completion, indexed 0..n-1', () => {
    const h = simulate(repeat(20, { f: 'read' }), { concurrency: 3, seed: 2, completeAfterNs: 1e6 })
    expect(h.map((op) => op.index)).toEqual(h.map((_, i) => i))
    const pairs = pairOps(h)
    expect(pairs).toHaveLength(20)
    expect(pairs.every((p) => p.complete?.type === 'ok' && p.complete.time === p.invoke.time + 1e6)).toBe(true)
  })

  it('keeps at most one op in flight per thread', () => {
    let k = 0
    const h = simulate(repeat(50, { f: 'read' }), { concurrency: 4, seed: 3, completeAfterNs: () => 1e6 * (1 + (k++ % 3)) })
    expect(new Set(invokes(h).map((op) => op.process)).size).toBe(4)
    const open = new Set<unknown>()
    for (const op of h) {
      if (op.type === 'invoke') {
        expect(open.has(op.process)).toBe(false)
        open.add(op.process)
      } else open.delete(op.process)
    }
  })

  it('uses the answer function, and gives a thread a new process after info', () => {
    let n = 0
    const h = simulate(repeat(4, { f: 'write', value: 1 }), {
      concurrency: 1,
      seed: 1,
      answer: () => (n++ === 1 ? { type: 'info', error: 'timeout' } : { type: 'ok', value: 'done' }),
    })
    expect(invokes(h).map((op) => op.process)).toEqual([0, 0, 1, 1])
    expect(h[3]).toMatchObject({ type: 'info', error: 'timeout', value: 1 })
    expect(h[1]).toMatchObject({ type: 'ok', value: 'done' })
  })

  it('stops invoking after `steps` invocations, and at `untilNs`', () => {
    expect(invokes(simulate(repeat({ f: 'read' }), { concurrency: 2, seed: 1, steps: 7 }))).toHaveLength(7)
    const h = simulate(repeat({ f: 'read' }), { concurrency: 1, seed: 1, completeAfterNs: 1e6, untilNs: 10e6 })
    expect(invokes(h)).toHaveLength(10)
    expect(Math.max(...invokes(h).map((op) => op.time))).toBeLessThan(10e6)
  })

  it('rejects a generator that emits an op for a busy process', () => {
    const bad = {
      op: () => ({ op: { type: 'invoke' as const, f: 'x', value: null, process: 0, time: 0 }, gen: bad }),
      update: () => bad,
    }
    expect(() => simulate(bad, { concurrency: 1, seed: 1, completeAfterNs: 1 })).toThrow(/not free/)
  })
})
