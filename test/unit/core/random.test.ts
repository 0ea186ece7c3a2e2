import { describe, expect, it } from 'vitest'
import { Random } from '../../../core/random.js'

describe('Random', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Random(42)
    const b = new Random(42)
    const c = new Random(43)
    const sa = Array.from({ length: 100 }, () => a.nextU32())
    const sb = Array.from({ length: 100 }, () => b.nextU32())
    const sc = Array.from({ length: 100 }, () => c.nextU32())
    expect(sa).toEqual(sb)
    expect(sa).not.toEqual(sc)
  })

  it('stays in range and is roughly uniform', () => {
    const r = new Random(7)
    const counts = new Array(10).fill(0) as number[]
    for (let i = 0; i < 100_000; i++) counts[r.int(10)]!++
    for (const n of counts) expect(Math.abs(n - 10_000)).toBeLessThan(600)
    for (let i = 0; i < 1000; i++) {
      const f = r.float()
      expect(f).toBeGreaterThanOrEqual(0)
      expect(f).toBeLessThan(1)
      const b = r.between(-3, 3)
      expect(b).toBeGreaterThanOrEqual(-3)
      expect(b).toBeLessThanOrEqual(3)
    }
  })

  it('has an exponential distribution with the asked mean', () => {
    const r = new Random(1)
    let sum = 0
    for (let i = 0; i < 50_000; i++) sum += r.exponential(2)
    expect(sum / 50_000).toBeGreaterThan(1.9)
    expect(sum / 50_000).toBeLessThan(2.1)
  })

  it('shuffles into a permutation, deterministically', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8]
    const s1 = new Random(5).shuffle(xs)
    expect(s1).toEqual(new Random(5).shuffle(xs))
    expect([...s1].sort()).toEqual(xs)
    expect(xs).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('refuses an empty range', () => {
    expect(() => new Random(1).int(0)).toThrow(RangeError)
    expect(() => new Random(1).pick([])).toThrow(RangeError)
  })
})
