import { describe, expect, it } from 'vitest'
import { faultDetail, faultKindOf, faultSentence, grudgeWords, shortValue } from '../../../report/fault-words.js'

describe('fault words', () => {
  it('says a complete grudge as its sides, and any other grudge as who drops whom', () => {
    const majority = { n1: ['n2', 'n3', 'n4', 'n5'], n2: ['n1', 'n5'], n3: ['n1', 'n5'], n4: ['n1', 'n5'], n5: ['n1', 'n2', 'n3', 'n4'] }
    expect(grudgeWords(majority)).toBe('n1 | n2 n3 n4 | n5')
    const halves = { n1: ['n3', 'n4'], n2: ['n3', 'n4'], n3: ['n1', 'n2'], n4: ['n1', 'n2'] }
    expect(grudgeWords(halves)).toBe('n1 n2 | n3 n4')
    // A ring: n1 sees n2 and n5, but n2 and n5 do not see each other.
    const ring = { n1: ['n3', 'n4'], n2: ['n4', 'n5'], n3: ['n5', 'n1'], n4: ['n1', 'n2'], n5: ['n2', 'n3'] }
    expect(grudgeWords(ring)).toBe('n1 drops n3 n4; n2 drops n4 n5; n3 drops n1 n5; n4 drops n1 n2; n5 drops n2 n3')
    expect(grudgeWords({})).toBe('nothing cut')
    expect(grudgeWords({ n10: ['n2'], n2: ['n10'] })).toBe('n2 | n10')
  })

  it('labels each kind by what it did, preferring the completion to the plan', () => {
    const grudge = { n5: ['n1', 'n2', 'n3', 'n4'], n1: ['n5'], n2: ['n5'], n3: ['n5'], n4: ['n5'] }
    expect(faultDetail('start-partition', { topology: 'one', grudge })).toBe('one: n1 n2 n3 n4 | n5')
    expect(faultDetail('start-partition', { topology: 'primaries', grudge: {} }, { topology: 'primaries' })).toBe('primaries: no leader known, nothing cut')
    expect(faultDetail('kill', { killed: ['n3'], via: 'target' }, { nodes: ['n2'] })).toBe('n3')
    expect(faultDetail('pause', undefined, { nodes: 'primaries' })).toBe('the primaries')
    expect(faultDetail('bump-clock', { offsets: { n2: 12_345, n4: -450 } })).toBe('n2 +12 s, n4 -450 ms')
    expect(faultDetail('bump-clock', undefined, { nodes: ['n1'], deltaMs: -2500 })).toBe('n1 -2.5 s')
    expect(faultDetail('strobe-clock', { nodes: ['n2'], deltaMs: 800, periodMs: 100, durationMs: 2000, flips: 20 })).toBe('n2 strobed +800 ms every 100 ms for 2.0 s')
    expect(faultDetail('start-packet', { nodes: ['n2', 'n3'], loss: 0.2 })).toBe('n2 n3: 20% loss')
    expect(faultDetail('start-skewed-leader', { isolated: ['n4'], deltaMs: -30_000 })).toBe('n4 cut off, clock -30 s')
    expect(faultDetail('start-skewed-leader', { isolated: [], note: 'no leader known' })).toBe('no leader known: nothing cut or skewed')
  })

  it('names the kind an op opens or closes, kill and pause and the clock included', () => {
    expect(faultKindOf('start-partition')).toEqual({ kind: 'partition', opens: true })
    expect(faultKindOf('stop-packet')).toEqual({ kind: 'packet', opens: false })
    expect(faultKindOf('start')).toEqual({ kind: 'kill', opens: false })
    expect(faultKindOf('resume')).toEqual({ kind: 'pause', opens: false })
    expect(faultKindOf('strobe-clock')).toEqual({ kind: 'clock', opens: true })
    expect(faultKindOf('read')).toBeUndefined()
  })

  it('makes one short sentence of a nemesis op, never JSON cut in the middle of a grudge', () => {
    const grudge = { n3: ['n1', 'n5'], n2: ['n1', 'n5'], n4: ['n1', 'n5'], n5: ['n1', 'n2', 'n3', 'n4'], n1: ['n2', 'n3', 'n4', 'n5'] }
    expect(faultSentence('start-partition', { topology: 'majority', grudge })).toBe('partition majority: n1 | n2 n3 n4 | n5')
    expect(faultSentence('stop-partition', 'network healed')).toBe('healed partition')
    expect(faultSentence('kill', { killed: ['n1'] })).toBe('kill n1')
    expect(faultSentence('start', { started: ['n1'] })).toBe('restart n1')
    expect(faultSentence('bump-clock', { offsets: { n2: 5000 } })).toBe('clock n2 +5.0 s')
    const odd = faultSentence('flip-disk', { nodes: ['n1', 'n2', 'n3', 'n4', 'n5'], mode: 'read-only', extra: 'x'.repeat(60) })
    expect(odd.startsWith('flip-disk {"nodes":["n1","n2","n3","n4","n5"],"mode":"read-only"')).toBe(true)
    expect(odd.endsWith(' …')).toBe(true)
  })

  it('shortens a value only between entries', () => {
    expect(shortValue({ a: 1 })).toBe('{"a":1}')
    const v = shortValue({ grudge: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`node${i}`, ['x', 'y']])) }, 60)
    expect(v.length).toBeLessThanOrEqual(62)
    expect(v).toMatch(/\] …$|" …$/)
  })
})
