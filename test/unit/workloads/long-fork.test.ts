import { describe, expect, it } from 'vitest'
import { groupOf, longForkOptions, longForkWorkload } from '../../../workloads/long-fork.js'
import { invokes, options, play } from './helpers.js'

describe('long-fork workload', () => {
  it('writes keys 0, 1, 2, ... once each, with none skipped, and reads whole groups of recent keys', () => {
    const h = invokes(play(longForkWorkload, options({ groupSize: 3 })))
    const written = h.filter((op) => (op.value as unknown[][]).length === 1).map((op) => (op.value as [string, number, number][])[0]!)
    expect(written.length).toBeGreaterThan(50)
    expect(written.map(([f, , v]) => [f, v])).toEqual(written.map(() => ['w', 1]))
    expect(written.map(([, k]) => k)).toEqual(written.map((_, i) => i))
    const reads = h.filter((op) => (op.value as unknown[][]).length > 1).map((op) => op.value as [string, number, null][])
    expect(reads.length).toBeGreaterThan(50)
    for (const r of reads) {
      const keys = r.map(([f, k, v]) => (expect([f, v]).toEqual(['r', null]), k))
      expect([...keys].sort((a, b) => a - b)).toEqual(groupOf(keys[0]!, 3))
    }
    expect(new Set(h.map((op) => op.f))).toEqual(new Set(['txn']))
  })

  it('groups are consecutive keys', () => {
    expect(groupOf(7, 3)).toEqual([6, 7, 8])
    expect(groupOf(0, 2)).toEqual([0, 1])
    expect(() => longForkOptions(options({ groupSize: 1 }))).toThrow(/long-fork workload: option groupSize must be an integer ≥ 2 and ≤ 100, got 1/)
  })
})
