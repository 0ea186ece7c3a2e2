// The verdict: forbidden anomalies make a history invalid, allowed ones are
// reported but do not; an exhausted search or a history with nothing committed
// is undecided, never valid; bad input is refused.
import { describe, expect, it } from 'vitest'
import { check, checkListAppend, checkRwRegister, ElleInputError } from '../../../../checkers/elle/index.js'
import { concurrent, fixture, serial } from './helpers.js'

const writeSkew = concurrent([0, [['r', 'x', []], ['append', 'y', 1]]], [1, [['r', 'y', []], ['append', 'x', 2]]])

describe('verdict', () => {
  it('an anomaly the models allow is reported but the history is valid', () => {
    const r = checkListAppend(writeSkew, { consistencyModels: ['snapshot-isolation'] })
    expect(r).toMatchObject({ valid: true, anomalyTypes: ['G2-item'], forbidden: [], not: ['repeatable-read'] })
    expect(r.summary).toMatch(/consistent with snapshot-isolation .* found G2-item, which snapshot-isolation allows/)
  })

  it('an anomaly one of the models forbids makes it invalid', () => {
    const r = checkListAppend(writeSkew, { consistencyModels: ['read-committed', 'repeatable-read'] })
    expect(r).toMatchObject({ valid: false, forbidden: ['G2-item'], consistencyModels: ['read-committed', 'repeatable-read'] })
    expect(r.summary).toBe('G2-item (forbidden by read-committed, repeatable-read): not repeatable-read')
  })

  it('model aliases are resolved; unknown models are refused', () => {
    expect(checkListAppend(writeSkew, { consistencyModels: ['PL-3', 'serializable'] }).consistencyModels).toEqual(['serializable'])
    expect(() => checkListAppend(writeSkew, { consistencyModels: ['linearizable'] })).toThrow(ElleInputError)
    expect(() => checkListAppend(writeSkew, { consistencyModels: [] })).toThrow(/no consistency model/)
  })

  it('a history where nothing committed is undecided', () => {
    const r = checkListAppend(serial([0, [['append', 'x', 1]], 'fail'], [1, [['append', 'x', 2]], 'info']))
    expect(r.valid).toBe('unknown')
    expect(r.anomalyTypes).toEqual(['empty-transaction-graph'])
    expect(checkListAppend([]).valid).toBe('unknown')
  })

  it('a search that runs out of budget is undecided, with what it found', () => {
    const h = fixture('jepsen-io-elle/histories/huge-scc.edn')
    const r = checkListAppend(h, { budget: { steps: 2000 } })
    expect(r.valid).toBe('unknown')
    expect(r.anomalyTypes).toEqual(['cycle-search-timeout'])
    const c = r.anomalies['cycle-search-timeout']![0] as { size: number; sample: number[] }
    expect(c.size).toBeGreaterThan(1000)
    expect(c.sample).toHaveLength(100)
  }, 60_000)

  it('what was found before the budget ran out still decides: an invalid verdict stands', () => {
    // Two components: a G0 found at once, and huge-scc's, cut short.
    const g0 = concurrent([1_000_000, [['append', 'gx', 1], ['append', 'gy', 1]]], [1_000_001, [['append', 'gx', 2], ['append', 'gy', 2]]], [1_000_002, [['r', 'gx', [1, 2]], ['r', 'gy', [2, 1]]]])
    const h = [...fixture('jepsen-io-elle/histories/huge-scc.edn'), ...g0.map((op, i) => ({ ...op, index: 20_000 + i }))]
    const r = checkListAppend(h, { budget: { steps: 5000 } })
    expect(r.valid).toBe(false)
    expect(r.anomalyTypes).toContain('G0')
    expect(r.anomalyTypes).toContain('cycle-search-timeout')
  }, 60_000)

  it('keeps maxCases cases of a type and counts them all', () => {
    const many = concurrent(
      ...Array.from({ length: 10 }, (_, i): [number, [string, unknown, unknown][]] => [i, [['append', `k${i}`, 1], ['r', `k${(i + 1) % 10}`, []]]]),
      ...Array.from({ length: 10 }, (_, i): [number, [string, unknown, unknown][]] => [10 + i, [['r', `a${i}`, []], ['append', `b${i}`, 1]]]),
      ...Array.from({ length: 10 }, (_, i): [number, [string, unknown, unknown][]] => [20 + i, [['r', `b${i}`, []], ['append', `a${i}`, 1]]]),
    )
    const r = checkListAppend(many, { consistencyModels: ['serializable'], maxCases: 3 })
    expect(r.counts['G2-item']).toBeGreaterThanOrEqual(10)
    expect(r.anomalies['G2-item']).toHaveLength(3)
  })

  it('refuses a value appended twice, and reads that are not lists', () => {
    expect(() => checkListAppend(serial([0, [['append', 'x', 1]]], [1, [['append', 'x', 1]]]))).toThrow(/appended to "x" more than once/)
    expect(() => checkListAppend(serial([0, [['r', 'x', 3]]]))).toThrow(/not a list/)
    expect(() => checkRwRegister(serial([0, [['w', 'x', 1]]], [1, [['w', 'x', 1]]]))).toThrow(/written to "x" more than once/)
    expect(() => checkRwRegister(serial([0, [['w', 'x', null]]]))).toThrow(/null is the initial state/)
  })

  it('reports the work it did', () => {
    const r = check(writeSkew, 'list-append', { consistencyModels: ['serializable'] })
    expect(r.stats).toMatchObject({ txns: 2, ok: 2, info: 0, fail: 0, keys: 2, cyclicComponents: 1, largestComponent: 2 })
    expect(r.stats.edges).toBeGreaterThanOrEqual(2)
  })
})
