import { describe, expect, it } from 'vitest'
import { any, cycle, limit, nemesis, once, repeat, simulate, sleep, untilOk } from '../../../../core/generator/index.js'
import { fs, values } from './helpers.js'

const counter = (): (() => { f: string; value: number }) => {
  let n = 0
  return () => ({ f: 'w', value: n++ })
}

describe('limit / once', () => {
  it('takes at most n ops', () => {
    expect(values(simulate(limit(3, counter()), { concurrency: 2, seed: 1 }))).toEqual([0, 1, 2])
    expect(values(simulate(limit(10, [{ f: 'a' }, { f: 'b' }]), { concurrency: 2, seed: 1 }))).toHaveLength(2)
    expect(simulate(limit(0, counter()), { concurrency: 2, seed: 1 })).toEqual([])
  })

  it('once takes one op', () => {
    expect(fs(simulate(once([{ f: 'a' }, { f: 'b' }]), { concurrency: 2, seed: 1 }))).toEqual(['a'])
  })
})

describe('repeat', () => {
  it('repeats a template forever (bounded here by steps) or n times', () => {
    expect(fs(simulate(repeat({ f: 'read' }), { concurrency: 2, seed: 1, steps: 25 }))).toEqual(Array(25).fill('read'))
    expect(fs(simulate(repeat(4, { f: 'read' }), { concurrency: 2, seed: 1 }))).toEqual(Array(4).fill('read'))
    expect(simulate(repeat(0, { f: 'read' }), { concurrency: 2, seed: 1 })).toEqual([])
  })

  it('re-emits the first op of a generator (the generator never advances)', () => {
    expect(fs(simulate(repeat(3, [{ f: 'a' }, { f: 'b' }]), { concurrency: 1, seed: 1 }))).toEqual(['a', 'a', 'a'])
  })

  it('waits out a leading sleep before each op', () => {
    const h = simulate(repeat(3, [sleep(1), { f: 'kill' }, { f: 'never' }]), { concurrency: 1, seed: 1 })
    expect(fs(h)).toEqual(['kill', 'kill', 'kill'])
    const times = h.filter((op) => op.type === 'invoke').map((op) => op.time)
    expect(times[0]).toBeGreaterThanOrEqual(1e9)
    expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(1e9)
  })

  it('calls a function afresh for each op', () => {
    expect(values(simulate(repeat(3, counter()), { concurrency: 1, seed: 1 }))).toEqual([0, 1, 2])
  })
})

describe('cycle', () => {
  it('runs a finite generator again from the start, n times', () => {
    expect(fs(simulate(cycle(3, [{ f: 'a' }, { f: 'b' }]), { concurrency: 1, seed: 1 }))).toEqual(['a', 'b', 'a', 'b', 'a', 'b'])
  })

  it('runs forever without a count', () => {
    expect(fs(simulate(cycle([{ f: 'a' }, { f: 'b' }]), { concurrency: 1, seed: 1, steps: 5 }))).toEqual(['a', 'b', 'a', 'b', 'a'])
  })

  it('ends instead of spinning when a round emits nothing', () => {
    expect(simulate(cycle([]), { concurrency: 1, seed: 1 })).toEqual([])
  })
})

describe('untilOk', () => {
  it('stops once one of its ops completes ok', () => {
    let n = 0
    const h = simulate(untilOk(repeat({ f: 'read' })), {
      concurrency: 1,
      seed: 1,
      answer: () => (++n < 4 ? { type: 'fail', error: 'no leader' } : { type: 'ok', value: 7 }),
    })
    expect(h.map((op) => op.type)).toEqual(['invoke', 'fail', 'invoke', 'fail', 'invoke', 'fail', 'invoke', 'ok'])
  })

  it('ignores ok completions of other generators', () => {
    // The nemesis's ok arrives while the reads are running and does not end them.
    const h = simulate(any(untilOk(repeat(3, { f: 'read' })), nemesis({ f: 'start' })), {
      concurrency: 1,
      seed: 1,
      completeAfterNs: (op) => (op.process === 'nemesis' ? 0.5e6 : 1e6),
      answer: (op) => (op.process === 'nemesis' ? { type: 'ok' } : { type: 'fail' }),
    })
    expect(fs(h).sort()).toEqual(['read', 'read', 'read', 'start'])
    expect(h.findIndex((op) => op.f === 'start' && op.type === 'ok')).toBeLessThan(h.findLastIndex((op) => op.f === 'read' && op.type === 'invoke'))
  })
})
