// The model lattice: which models a set of anomalies rules out (the weakest,
// `not`, and the rest, `alsoNot`), names and aliases, and what a check needs.
import { describe, expect, it } from 'vitest'
import {
  boundary,
  canonicalModel,
  consistencyModelNames,
  forbiddenAnomalies,
  impliedAnomalies,
  impossibleModels,
  weakerModels,
} from '../../../../checkers/elle/index.js'
import { ordersNeeded } from '../../../../checkers/elle/models.js'

describe('boundary: the weakest models anomalies rule out', () => {
  const cases: [string[], string[]][] = [
    [['G0'], ['read-uncommitted']],
    [['G1a'], ['read-committed']],
    [['G1b'], ['read-committed']],
    [['G1c'], ['read-committed']],
    [['G-single-item'], ['consistent-view', 'repeatable-read']],
    [['G2-item'], ['repeatable-read']],
    [['G-nonadjacent-item'], ['repeatable-read', 'snapshot-isolation']],
    [['G-single-item-realtime'], ['strong-snapshot-isolation']],
    [['G-single-item-process'], ['strong-session-snapshot-isolation']],
    [['G2-item-process'], ['strong-session-serializable']],
    [['G2-item-realtime'], ['strict-serializable']],
    [['G0-realtime'], ['strong-read-uncommitted']],
    [['G1c-process'], ['strong-session-read-committed']],
    [['lost-update', 'G2-item'], ['cursor-stability', 'update-atomic']],
    [['internal'], ['read-atomic', 'repeatable-read']],
    [['future-read'], ['read-committed']],
    [['incompatible-order'], ['read-committed']],
    [['garbage-read'], ['read-uncommitted']],
    [['cyclic-versions'], ['read-uncommitted']],
    [['duplicate-elements'], ['read-uncommitted']],
    [[], []],
  ]
  for (const [anomalies, not] of cases) {
    it(`${anomalies.join(' + ') || 'nothing'} → not ${not.join(', ') || 'anything'}`, () => {
      const b = boundary(anomalies)
      expect(b.not).toEqual(not)
      // Everything stronger than a ruled-out model is ruled out too, and listed once.
      for (const m of b.alsoNot) expect(b.not).not.toContain(m)
      if (not.length > 0) expect([...b.not, ...b.alsoNot]).toContain('strict-serializable')
    })
  }

  it('G-single rules out snapshot isolation, but only as a consequence of consistent view', () => {
    const b = boundary(['G-single-item'])
    expect(b.alsoNot).toContain('snapshot-isolation')
    expect(b.alsoNot).toContain('serializable')
    expect(b.alsoNot).not.toContain('read-committed')
  })

  it('a write skew leaves snapshot isolation and everything below it possible', () => {
    const impossible = impossibleModels(['G2-item'])
    for (const m of ['snapshot-isolation', 'read-committed', 'consistent-view', 'parallel-snapshot-isolation']) expect(impossible.has(m)).toBe(false)
    for (const m of ['repeatable-read', 'serializable', 'strict-serializable']) expect(impossible.has(m)).toBe(true)
  })
})

describe('implications between anomalies', () => {
  it('a cycle with one anti-dependency is also one whose anti-dependencies are not adjacent, and a G2', () => {
    const all = impliedAnomalies(['G-single-item'])
    for (const a of ['G-single', 'G-nonadjacent-item', 'G2-item', 'G2', 'G-single-item-process', 'G2-item-realtime']) expect(all.has(a)).toBe(true)
    expect(all.has('G1c')).toBe(false)
  })

  it('process-order cycles are real-time cycles, not the other way round', () => {
    expect(impliedAnomalies(['G0-process']).has('G0-realtime')).toBe(true)
    expect(impliedAnomalies(['G0-realtime']).has('G0-process')).toBe(false)
  })
})

describe('models', () => {
  it('names and aliases', () => {
    expect(canonicalModel('serializable')).toBe('serializable')
    expect(canonicalModel('PL-3')).toBe('serializable')
    expect(canonicalModel('pl-si')).toBe('snapshot-isolation')
    expect(canonicalModel('strong-serializable')).toBe('strict-serializable')
    expect(canonicalModel('conflict-serializable')).toBe('serializable')
    expect(canonicalModel('linearizable')).toBeUndefined()
    expect(consistencyModelNames).toContain('strong-session-snapshot-isolation')
  })

  it('strict serializability implies every other model', () => {
    expect([...weakerModels(['strict-serializable'])].sort()).toEqual([...consistencyModelNames].sort())
    expect(weakerModels(['read-committed'])).toEqual(new Set(['read-committed', 'read-uncommitted']))
  })

  it('what each model forbids includes what weaker models forbid', () => {
    const si = forbiddenAnomalies(['snapshot-isolation'])
    for (const a of ['G0', 'G1', 'internal', 'G-nonadjacent', 'G-single', 'lost-update', 'garbage-read']) expect(si.has(a)).toBe(true)
    expect(si.has('G2-item')).toBe(false)
    expect(forbiddenAnomalies(['serializable']).has('G2')).toBe(true)
  })

  it('the orders a check needs in the graph', () => {
    expect(ordersNeeded(['serializable'])).toEqual({ process: false, realtime: false })
    expect(ordersNeeded(['strong-session-snapshot-isolation'])).toEqual({ process: true, realtime: false })
    expect(ordersNeeded(['strict-serializable'])).toEqual({ process: true, realtime: true })
    expect(ordersNeeded(['read-committed', 'strong-snapshot-isolation'])).toEqual({ process: true, realtime: true })
  })
})
