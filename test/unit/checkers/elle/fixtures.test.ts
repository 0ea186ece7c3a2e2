// Elle's own histories (test/fixtures/elle, vendored with their origin) give
// the verdicts their README states.
import { describe, expect, it } from 'vitest'
import { checkListAppend, checkRwRegister } from '../../../../checkers/elle/index.js'
import { fixture } from './helpers.js'

describe('Elle histories', () => {
  for (const file of ['jepsen-io-elle/histories/paper-example.edn', 'ligurio-elle-cli/histories/elle/paper-example.edn', 'ligurio-elle-cli/histories/elle/paper-example.json']) {
    it(`${file}: G-single-item (read skew), so not consistent view nor repeatable read`, () => {
      const r = checkListAppend(fixture(file))
      expect(r.valid).toBe(false)
      expect(r.anomalyTypes).toEqual(['G-single-item'])
      expect(r.not).toEqual(['consistent-view', 'repeatable-read'])
      expect(r.alsoNot).toContain('strict-serializable')
      // The paper's cycle: the op at index 7 missed 8 (appended to 255 by op 3), which op 5 read, and op 7 appended 3 to 256 after op 5's 4.
      const c = r.anomalies['G-single-item']![0] as { cycle: { index: number }[]; text: string }
      expect(c.cycle.map((t) => t.index).sort()).toEqual([3, 5, 7])
      expect(c.text).toBe('T1 -rw(k255, 8)-> T2 -wr(k255, 8)-> T3 -ww(k256, 3)-> T1')
    })
  }

  it('paper-example: the .edn and .json copies give the same result', () => {
    const { stats: a, ...edn } = checkListAppend(fixture('ligurio-elle-cli/histories/elle/paper-example.edn'))
    const { stats: b, ...json } = checkListAppend(fixture('ligurio-elle-cli/histories/elle/paper-example.json'))
    expect(json).toEqual(edn)
    expect(b.txns).toBe(a.txns)
  })

  it('si-without-g-single.edn, checked for snapshot isolation and repeatable read: exactly G2-item', () => {
    const r = checkListAppend(fixture('jepsen-io-elle/histories/si-without-g-single.edn'), { consistencyModels: ['snapshot-isolation', 'repeatable-read'] })
    expect(r.valid).toBe(false)
    expect(r.anomalyTypes).toEqual(['G2-item'])
    expect(r.forbidden).toEqual(['G2-item'])
    expect(r.not).toEqual(['repeatable-read'])
    expect(r.not).not.toContain('snapshot-isolation')
    expect(r.alsoNot).not.toContain('snapshot-isolation')
  })

  it('si-without-g-single.edn is snapshot isolated', () => {
    const r = checkListAppend(fixture('jepsen-io-elle/histories/si-without-g-single.edn'), { consistencyModels: ['snapshot-isolation'] })
    expect(r.valid).toBe(true)
    expect(r.anomalyTypes).toEqual(['G2-item'])
    expect(r.forbidden).toEqual([])
  })

  it('list-append-gh-30.edn is not serializable (a write skew: each read [] of a key the other appended to)', () => {
    const r = checkListAppend(fixture('ligurio-elle-cli/histories/elle/list-append-gh-30.edn'), { consistencyModels: ['serializable'] })
    expect(r.valid).toBe(false)
    expect(r.anomalyTypes).toEqual(['G2-item'])
    const c = r.anomalies['G2-item']![0] as { cycle: { index: number }[] }
    expect(c.cycle.map((t) => t.index).sort()).toEqual([5, 7])
  })

  for (const file of ['ligurio-elle-cli/histories/elle/rw-register.edn', 'ligurio-elle-cli/histories/elle/rw-register.json']) {
    it(`${file}: only its garbage read (x = 3, never written), which rules out every model`, () => {
      const r = checkRwRegister(fixture(file))
      expect(r.anomalyTypes).toEqual(['garbage-read'])
      expect(r.valid).toBe(false)
      expect(r.not).toEqual(['read-uncommitted'])
      expect((r.anomalies['garbage-read']![0] as unknown as { element: unknown }).element).toBe(3)
    })

    it(`${file}: valid by Elle's rules (garbage reads not looked for)`, () => {
      const r = checkRwRegister(fixture(file), { garbageReads: false })
      expect(r.valid).toBe(true)
      expect(r.anomalyTypes).toEqual([])
    })
  }

  it('huge-scc.edn (10,254 transactions): invalid, strong snapshot isolation ruled out', () => {
    const r = checkListAppend(fixture('jepsen-io-elle/histories/huge-scc.edn'))
    expect(r.stats.txns).toBe(10254)
    expect(r.valid).toBe(false)
    expect(r.not).toContain('strong-snapshot-isolation')
    expect(r.anomalyTypes.every((t) => t.endsWith('-realtime'))).toBe(true)
    expect(r.stats.largestComponent).toBeGreaterThan(1000)
    // Every reported cycle closes: its last step returns to T1.
    for (const cases of Object.values(r.anomalies)) for (const c of cases) expect((c as { text: string }).text).toMatch(/-> T1$/)
  }, 60_000)

  it('huge-scc.edn is serializable as far as data dependencies go: the cycles need real time', () => {
    const r = checkListAppend(fixture('jepsen-io-elle/histories/huge-scc.edn'), { consistencyModels: ['serializable'] })
    expect(r.valid).toBe(true)
  }, 60_000)
})
