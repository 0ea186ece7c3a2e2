// The synthetic histories the benchmark checks: valid when nothing is
// injected, cyclic when stale reads are, the same for the same seed.
import { describe, expect, it } from 'vitest'
import { checkListAppend, checkRwRegister, simulateListAppend, simulateRwRegister } from '../../../../checkers/elle/index.js'
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

describe('simulateRwRegister', () => {
  it('is strict serializable without injected faults, and decided without an unknown though most writes are never read', () => {
    const h = simulateRwRegister({ txns: 20_000, seed: 3 })
    const r = checkRwRegister(h)
    expect(r.valid).toBe(true)
    expect(r.anomalyTypes).toEqual([])
    expect(r.stats.fail).toBeGreaterThan(0)
    expect(r.stats.info).toBeGreaterThan(0)
    expect(r.stats.keys).toBeGreaterThan(300)
    // One final read per key, and it returns the key's last write.
    const last = h[h.length - 1]!
    expect(last.value).toEqual([['r', r.stats.keys - 1, expect.any(Number)]])
  })

  it('small ones pass the brute-force definition too', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const h = simulateRwRegister({ txns: 5, processes: 3, keys: 2, seed, finalReads: false })
      expect(serializable(h, 'rw-register', true)).toBe(true)
    }
  })

  it('stale reads make cycles', () => {
    const r = checkRwRegister(simulateRwRegister({ txns: 20_000, seed: 3, staleReadRate: 0.01 }))
    expect(r.valid).toBe(false)
  })

  it('is deterministic for a seed', () => {
    expect(simulateRwRegister({ txns: 500, seed: 9 })).toEqual(simulateRwRegister({ txns: 500, seed: 9 }))
    expect(simulateRwRegister({ txns: 500, seed: 9 })).not.toEqual(simulateRwRegister({ txns: 500, seed: 10 }))
  })
})
