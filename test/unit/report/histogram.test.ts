import { describe, expect, it } from 'vitest'
import { binLow, binOf, BINS, LogHistogram } from '../../../report/histogram.js'

/** The ⌈q·n⌉-th smallest, as LogHistogram.quantile defines it. */
function exact(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!
}

describe('LogHistogram', () => {
  it('reads quantiles within 6% of the exact value, over six decades', () => {
    let seed = 7
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32)
    const values = Array.from({ length: 20_000 }, () => 10 ** (rand() * 6 - 2)) // 0.01 ms .. 10 s
    const h = new LogHistogram()
    for (const v of values) h.add(v)
    values.sort((a, b) => a - b)
    for (const q of [0.01, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const want = exact(values, q)
      expect(Math.abs(h.quantile(q) - want) / want, `q=${q}`).toBeLessThan(0.06)
    }
    expect(h.quantile(1)).toBe(values[values.length - 1])
    expect(h.count).toBe(values.length)
  })

  it('merges by adding bins, as if every value had gone into one', () => {
    const a = new LogHistogram()
    const b = new LogHistogram()
    const both = new LogHistogram()
    for (let i = 1; i <= 500; i++) {
      ;(i % 3 ? a : b).add(i / 7)
      both.add(i / 7)
    }
    a.merge(b)
    expect([...a.bins]).toEqual([...both.bins])
    expect(a.max).toBe(both.max)
    expect(a.quantile(0.99)).toBe(both.quantile(0.99))
  })

  it('puts sub-microsecond and huge latencies in the end bins, and an empty one reads 0', () => {
    expect(binOf(0)).toBe(0)
    expect(binOf(1e-4)).toBe(0)
    expect(binOf(1e12)).toBe(BINS - 1)
    expect(binLow(binOf(1))).toBeLessThanOrEqual(1)
    expect(new LogHistogram().quantile(0.5)).toBe(0)
  })
})
