import { describe, expect, it } from 'vitest'
import { setOptions, setWorkload } from '../../../workloads/set.js'
import { invokes, options, play } from './helpers.js'

describe('set workload', () => {
  it('adds each element once per key, reads whole keys, and reads every key again at the end', () => {
    const o = options({ opsPerKey: 40 })
    const h = play(setWorkload, o)
    const adds = invokes(h).filter((op) => op.f === 'add').map((op) => JSON.stringify(op.value))
    expect(adds.length).toBeGreaterThan(50)
    expect(new Set(adds).size).toBe(adds.length)
    const keys = new Set(invokes(h).map((op) => (op.value as [number, unknown])[0]))
    expect(keys.size).toBeGreaterThan(3)
    for (const op of invokes(h)) if (op.f === 'read') expect((op.value as unknown[])[1]).toBeNull()
    // The final phase: one read of each key, 0..max, after the last add.
    const lastAdd = h.findLastIndex((op) => op.f === 'add')
    const finalReads = invokes(h.slice(lastAdd + 1)).filter((op) => op.f === 'read').map((op) => (op.value as [number, null])[0])
    expect(finalReads.sort((a, b) => a - b)).toEqual([...keys].sort((a, b) => a - b))
  })

  it('about half the operations are reads, by default', () => {
    const ops = invokes(play(setWorkload, options()))
    const reads = ops.filter((op) => op.f === 'read').length
    expect(reads / ops.length).toBeGreaterThan(0.35)
    expect(reads / ops.length).toBeLessThan(0.65)
  })

  it('checks sets by key, with stale reads an anomaly only when asked', () => {
    const checkers = setWorkload.checkers(options({ linearizable: true }))
    expect(Object.keys(checkers)).toEqual(['set', 'stats'])
    expect(setOptions(options({ linearizable: true })).linearizable).toBe(true)
  })

  it('refuses a bad or unknown option by name', () => {
    expect(() => setOptions(options({ readFraction: 2 }))).toThrow(/set workload: option readFraction must be a number ≥ 0 and ≤ 1, got 2/)
    expect(() => setOptions(options({ opsPerkey: 10 }))).toThrow(/set workload: unknown option\(s\) opsPerkey/)
  })
})
