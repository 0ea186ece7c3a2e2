import { describe, expect, it } from 'vitest'
import { MAX_BUCKETS, OUTCOMES, Timeline } from '../../../report/timeline.js'

const S = 1e9

describe('Timeline', () => {
  it('keeps at most MAX_BUCKETS buckets for any length of run, and loses no operation when it coarsens', () => {
    const t = new Timeline()
    // A day of one op a second, each 5 ms long.
    for (let s = 0; s < 86_400; s++) t.add(s * S, s * S + 5e6, s % 10 === 0 ? 'fail' : 'ok', 5)
    expect(t.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS)
    expect(t.buckets.length).toBeGreaterThan(MAX_BUCKETS / 2)
    const completed = t.buckets.reduce((n, b) => n + OUTCOMES.reduce((m, o) => m + b.completed[o], 0), 0)
    expect(completed).toBe(86_400)
    const fails = t.buckets.reduce((n, b) => n + (b.latency.fail?.count ?? 0), 0)
    expect(fails).toBe(8_640)
  })

  it('files latency at the invocation and completions at the completion', () => {
    const t = new Timeline()
    t.add(0.001 * S, 2.5 * S, 'info', 2499)
    const at = (s: number): number => Math.floor((s * S) / t.widthNs)
    expect(t.buckets[at(0.001)]!.latency.info!.count).toBe(1)
    expect(t.buckets[at(2.5)]!.completed.info).toBe(1)
    expect(t.buckets[at(0.001)]!.completed.info).toBe(0)
  })

  it('regroups buckets for a plot without changing them', () => {
    const t = new Timeline()
    for (let i = 0; i < 100; i++) t.add(i * 1e7, i * 1e7 + 1, 'ok', 1)
    const before = t.buckets.length
    const g = t.regroup(10)
    expect(g.length).toBe(Math.ceil(before / 10))
    expect(g.reduce((n, b) => n + b.completed.ok, 0)).toBe(100)
    expect(g[0]!.latency.ok!.count).toBe(10)
    expect(t.buckets.length).toBe(before)
  })
})
