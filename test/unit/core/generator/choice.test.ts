import { describe, expect, it } from 'vitest'
import { any, delay, flipFlop, limit, mix, repeat, simulate } from '../../../../core/generator/index.js'
import { fs, invokes } from './helpers.js'

describe('mix', () => {
  it('chooses a member at random for each op, roughly uniformly', () => {
    const h = simulate(mix(repeat({ f: 'a' }), repeat({ f: 'b' }), repeat({ f: 'c' })), { concurrency: 3, seed: 5, steps: 3000 })
    const count = (f: string): number => fs(h).filter((x) => x === f).length
    for (const f of ['a', 'b', 'c']) {
      expect(count(f)).toBeGreaterThan(800)
      expect(count(f)).toBeLessThan(1200)
    }
    // Not simply alternating: some runs of the same f.
    expect(fs(h).some((f, i) => f === fs(h)[i + 1])).toBe(true)
  })

  it('drops exhausted members and ends when all are', () => {
    const h = simulate(mix(repeat(5, { f: 'a' }), repeat(20, { f: 'b' })), { concurrency: 2, seed: 1 })
    expect(fs(h).filter((f) => f === 'a')).toHaveLength(5)
    expect(fs(h).filter((f) => f === 'b')).toHaveLength(20)
  })

  it('of nothing is empty', () => {
    expect(simulate(mix(), { concurrency: 1, seed: 1 })).toEqual([])
  })
})

describe('any', () => {
  it('takes the op that is due soonest', () => {
    const h = simulate(any(delay(1, repeat(3, { f: 'slow' })), delay(0.3, repeat(6, { f: 'fast' }))), { concurrency: 2, seed: 1 })
    const order = invokes(h).map((op) => `${op.f}@${op.time / 1e8}`)
    expect(order.slice(0, 2).sort()).toEqual(['fast@0', 'slow@0']) // a tie: either may go first
    expect(order.slice(2)).toEqual(['fast@3', 'fast@6', 'fast@9', 'slow@10', 'fast@12', 'fast@15', 'slow@20'])
  })

  it('breaks ties at random, so no member starves', () => {
    const h = simulate(any(repeat({ f: 'a' }), repeat({ f: 'b' })), { concurrency: 2, seed: 3, steps: 200 })
    expect(fs(h).filter((f) => f === 'a').length).toBeGreaterThan(60)
    expect(fs(h).filter((f) => f === 'b').length).toBeGreaterThan(60)
  })

  it('runs until every member is exhausted', () => {
    const h = simulate(any(limit(2, repeat({ f: 'a' })), limit(5, repeat({ f: 'b' }))), { concurrency: 2, seed: 1 })
    expect(fs(h).sort()).toEqual(['a', 'a', 'b', 'b', 'b', 'b', 'b'])
  })
})

describe('flipFlop', () => {
  it('alternates between its two generators until either is exhausted', () => {
    expect(fs(simulate(flipFlop(repeat({ f: 'a' }), repeat(3, { f: 'b' })), { concurrency: 1, seed: 1 }))).toEqual([
      'a',
      'b',
      'a',
      'b',
      'a',
      'b',
      'a',
    ])
  })
})
