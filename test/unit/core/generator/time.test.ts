import { describe, expect, it } from 'vitest'
import { delay, repeat, simulate, sleep, stagger, timeLimit } from '../../../../core/generator/index.js'
import { fs, invokes } from './helpers.js'

const read = { f: 'read' }

describe('timeLimit', () => {
  it('stops emitting once its time is up (seconds)', () => {
    const h = simulate(timeLimit(1, repeat(read)), { concurrency: 2, seed: 1, completeAfterNs: 10e6, steps: 100_000 })
    const times = invokes(h).map((op) => op.time)
    expect(times.length).toBeGreaterThan(150) // 2 threads, 10 ms each, for 1 s: 200 ops
    expect(Math.max(...times)).toBeLessThan(1e9)
    expect(times.length).toBeLessThanOrEqual(200)
  })

  it('counts from the first op it emits, not from when it was built', () => {
    const h = simulate([sleep(2), timeLimit(0.5, delay(0.1, repeat(read)))], { concurrency: 1, seed: 1 })
    const times = invokes(h).map((op) => op.time)
    expect(times[0]).toBeGreaterThanOrEqual(2e9)
    expect(times).toHaveLength(5) // 2.0, 2.1, 2.2, 2.3, 2.4
    expect(Math.max(...times)).toBeLessThan((times[0] ?? 0) + 0.5e9)
  })

  it('ends while its generator is pending past the cutoff', () => {
    const h = simulate([timeLimit(1, [read, sleep(3600), read]), { f: 'after' }], { concurrency: 1, seed: 1 })
    expect(fs(h)).toEqual(['read', 'after'])
    expect(invokes(h)[1]?.time).toBeLessThan(1.1e9)
  })
})

describe('stagger', () => {
  it('spaces ops with a mean interval within 20% of the one asked for', () => {
    for (const seed of [1, 2, 3]) {
      const h = simulate(stagger(0.05, repeat(read)), { concurrency: 5, seed, completeAfterNs: 1e6, steps: 2000 })
      const times = invokes(h).map((op) => op.time)
      const mean = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / (times.length - 1)
      expect(mean / 0.05e9).toBeGreaterThan(0.8)
      expect(mean / 0.05e9).toBeLessThan(1.2)
    }
  })

  it('draws irregular gaps (exponential, not fixed)', () => {
    const h = simulate(stagger(0.01, repeat(read)), { concurrency: 5, seed: 4, steps: 200 })
    const times = invokes(h).map((op) => op.time)
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
    expect(new Set(gaps).size).toBeGreaterThan(150)
    // About 1 - 1/e of exponential gaps are shorter than the mean.
    const short = gaps.filter((g) => g < 0.01e9).length / gaps.length
    expect(short).toBeGreaterThan(0.5)
    expect(short).toBeLessThan(0.75)
  })

  it('is the rate of the whole generator, whatever the concurrency', () => {
    const one = simulate(stagger(0.02, repeat(read)), { concurrency: 1, seed: 9, steps: 1000 })
    const ten = simulate(stagger(0.02, repeat(read)), { concurrency: 10, seed: 9, steps: 1000 })
    const span = (h: typeof one): number => invokes(h).at(-1)?.time ?? 0
    expect(span(ten) / span(one)).toBeGreaterThan(0.9)
    expect(span(ten) / span(one)).toBeLessThan(1.1)
  })
})

describe('delay', () => {
  it('emits ops a fixed interval apart', () => {
    const h = simulate(delay(0.25, repeat(4, read)), { concurrency: 2, seed: 1 })
    expect(invokes(h).map((op) => op.time)).toEqual([0, 0.25e9, 0.5e9, 0.75e9])
  })

  it('catches up (emits sooner) when ops run longer than the interval', () => {
    const h = simulate(delay(0.1, repeat(4, read)), { concurrency: 1, seed: 1, completeAfterNs: 0.3e9 })
    expect(invokes(h).map((op) => op.time)).toEqual([0, 0.3e9, 0.6e9, 0.9e9])
  })
})

describe('sleep', () => {
  it('emits nothing for its duration, counted from when it is reached', () => {
    const h = simulate([read, sleep(2), { f: 'write' }], { concurrency: 1, seed: 1, completeAfterNs: 1e6 })
    expect(fs(h)).toEqual(['read', 'write'])
    const write = invokes(h)[1]?.time ?? 0
    expect(write).toBeGreaterThanOrEqual(2e9)
    expect(write).toBeLessThan(2e9 + 10e6) // polled every 5 ms
  })

  it('sleep(0) is empty', () => {
    expect(fs(simulate([sleep(0), read], { concurrency: 1, seed: 1 }))).toEqual(['read'])
    expect(invokes(simulate([sleep(0), read], { concurrency: 1, seed: 1 }))[0]?.time).toBe(0)
  })
})
