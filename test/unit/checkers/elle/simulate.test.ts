// The synthetic histories the benchmark checks: valid when nothing is
// injected, cyclic when stale reads are, the same for the same seed.
import { describe, expect, it } from 'vitest'
import { checkListAppend, simulateListAppend } from '../../../../checkers/elle/index.js'
import { serializable } from './brute-force.js'

describe('simulateListAppend', () => {
  it('is strict serializable without injected faults, with some failed and indeterminate transactions', () => {
    const h = simulateListAppend({ txns: 20_000, seed: 3 })
    const r = checkListAppend(h)
    expect(r.valid).toBe(true)
    expect(r.anomalyTypes).toEqual([])
    expect(r.stats.txns).toBe(20_000)
    expect(r.stats.fail).toBeGreaterThan(0)
    expect(r.stats.info).toBeGreaterThan(0)
    // Keys rotate, so lists stay short.
    expect(r.stats.keys).toBeGreaterThan(1000)
  })

  it('small ones pass the brute-force definition too', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const h = simulateListAppend({ txns: 6, processes: 3, keys: 2, seed })
      expect(serializable(h, 'list-append', true)).toBe(true)
    }
  })

  it('stale reads make cycles', () => {
    const r = checkListAppend(simulateListAppend({ txns: 20_000, seed: 3, staleReadRate: 0.01 }))
    expect(r.valid).toBe(false)
    expect(r.anomalyTypes.some((t) => t.startsWith('G-single-item'))).toBe(true)
  })

  it('is deterministic for a seed', () => {
    expect(simulateListAppend({ txns: 500, seed: 9 })).toEqual(simulateListAppend({ txns: 500, seed: 9 }))
    expect(simulateListAppend({ txns: 500, seed: 9 })).not.toEqual(simulateListAppend({ txns: 500, seed: 10 }))
  })
})
