import { describe, expect, it } from 'vitest'
import { independentConcurrent, independentSequential, limit, repeat, simulate } from '../../../../core/generator/index.js'
import type { GenContext } from '../../../../core/generator/index.js'
import { invokes } from './helpers.js'

const twoOps = (key: string) => [
  { f: 'write', value: `${key}1` },
  { f: 'read', value: null },
]

describe('independentSequential', () => {
  it('runs one key after another, values wrapped as [key, v]', () => {
    const h = simulate(independentSequential(['x', 'y', 'z'], twoOps), { concurrency: 2, seed: 1 })
    expect(invokes(h).map((op) => op.value)).toEqual([
      ['x', 'x1'],
      ['x', null],
      ['y', 'y1'],
      ['y', null],
      ['z', 'z1'],
      ['z', null],
    ])
    expect(h.filter((op) => op.type === 'ok').every((op) => Array.isArray(op.value) && op.value.length === 2)).toBe(true)
  })

  it('takes keys from a function of the index (endless keys)', () => {
    const h = simulate(limit(7, independentSequential((i) => i, () => repeat(3, { f: 'read' }))), { concurrency: 2, seed: 1 })
    expect(invokes(h).map((op) => (op.value as [number, unknown])[0])).toEqual([0, 0, 0, 1, 1, 1, 2])
  })

  it('tells the key generator about events with the wrapper removed', () => {
    const seen: unknown[] = []
    const probe = (key: number) => {
      const g = {
        op: (ctx: GenContext) => (seen.length >= 2 ? null : { op: { type: 'invoke' as const, f: 'read', value: key * 100, process: ctx.processOf(0), time: ctx.time }, gen: g }),
        update: (_c: GenContext, e: { value: unknown }) => {
          seen.push(e.value)
          return g
        },
      }
      return g
    }
    simulate(independentSequential([7], probe), { concurrency: 1, seed: 1 })
    expect(seen).toEqual([700, 700])
  })
})

describe('independentConcurrent', () => {
  it('gives each group of threads its own key, and moves on when a key is done', () => {
    const h = simulate(independentConcurrent(['a', 'b', 'c', 'd', 'e'], 2, (k) => repeat(4, { f: 'read', value: k })), {
      concurrency: 4,
      seed: 2,
      completeAfterNs: 1e6,
    })
    const ops = invokes(h)
    expect(ops).toHaveLength(20)
    for (const op of ops) {
      const [key, v] = op.value as [string, string]
      expect(v).toBe(key)
    }
    // Every key is worked by one group of two threads only.
    const threadsOf = new Map<string, Set<number>>()
    for (const op of ops) {
      const key = (op.value as [string])[0]
      const set = threadsOf.get(key) ?? new Set()
      set.add(op.process as number)
      threadsOf.set(key, set)
    }
    const groups = [new Set([0, 1]), new Set([2, 3])]
    for (const [, threads] of threadsOf) {
      expect(groups.some((g) => [...threads].every((t) => g.has(t)))).toBe(true)
    }
    // Two keys are worked at the same time at the start.
    expect(new Set(ops.slice(0, 4).map((op) => (op.value as [string])[0])).size).toBe(2)
  })

  it('leaves spare threads idle, and uses one group when threads are fewer than threadsPerKey', () => {
    const h = simulate(independentConcurrent([1, 2], 2, () => repeat(10, { f: 'read' })), { concurrency: 5, seed: 1, completeAfterNs: 1e6 })
    expect(invokes(h).some((op) => op.process === 4)).toBe(false)
    const one = simulate(independentConcurrent([1], 8, () => repeat(30, { f: 'read' })), { concurrency: 3, seed: 1, completeAfterNs: 1e6 })
    expect(new Set(invokes(one).map((op) => op.process))).toEqual(new Set([0, 1, 2]))
  })

  it('rejects threadsPerKey below 1', () => {
    expect(() => independentConcurrent([1], 0, () => null)).toThrow(RangeError)
  })
})
