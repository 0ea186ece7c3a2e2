// Anomalies that every order of the open writes has (resolve.ts), as cases a
// person can follow: each open order the cycle needs, and how it was decided.
import { describe, expect, it } from 'vitest'
import { checkListAppend, checkRwRegister, type CycleCase, type OpenOrder } from '../../../../checkers/elle/index.js'
import { concurrent, events } from './helpers.js'

describe('both orders tried: two appends to z that no read saw', () => {
  // T1 read x = [] and appended to z and y; T2 read y = [] and appended to z and x. Nothing orders their appends to z.
  const h = concurrent([0, [['r', 'x', []], ['append', 'z', 1], ['append', 'y', 2]]], [1, [['r', 'y', []], ['append', 'z', 3], ['append', 'x', 4]]])

  it('is not snapshot isolated: either order of the appends to z closes a G-single cycle', () => {
    const r = checkListAppend(h, { consistencyModels: ['snapshot-isolation'] })
    expect(r.valid).toBe(false)
    expect(r.anomalyTypes).toEqual(['G-single-item', 'G2-item'])
    const c = r.anomalies['G-single-item']![0] as CycleCase
    expect(c.text).toBe('T1 -ww(z, 3)-> T2 -rw(y, 2)-> T1')
    expect(c.steps[0]).toEqual({ type: 'ww', from: 'T1', to: 'T2', key: 'z', value: 1, value2: 3, via: 'open' })
    expect(c.orders).toHaveLength(1)
    const o = c.orders![0]!
    expect(o).toMatchObject({ key: 'z', first: 'T1', second: 'T2', values: [1, 3], how: 'case' })
    // The other case, with the same names.
    expect(o.reverse!.text).toBe('T1 -rw(x, 4)-> T2 -ww(z, 1)-> T1')
    expect(c.explanation).toBe(
      "T1 and T2 both appended to z (1 and 3), and no read saw either append. Suppose T1's append of 1 came before T2's append of 3. " +
        "T2 appended 3 to z after T1's 1 (an order the history leaves open); T2 read y empty, without T1's append of 2. So T1 would have to come before itself: " +
        "a cycle in which exactly one transaction missed another's effects (G-single, read skew). " +
        "If instead T2's append of 3 came before T1's append of 1: T1 read x empty, without T2's append of 4; T1 appended 1 to z after T2's 3 (an order the history leaves open). " +
        "So T1 would have to come before itself: a cycle in which exactly one transaction missed another's effects (G-single, read skew). " +
        'Whichever order these writes took, the history has a cycle with at most one anti-dependency (G-single-item or a weaker-model anomaly: it is not consistent view).',
    )
  })

  it('a final read of z orders the appends, and the same cycle is found among the known edges', () => {
    const withRead = [...h, ...events([2, 'invoke', [['r', 'z', null]]], [2, 'ok', [['r', 'z', [1, 3]]]]).map((op, i) => ({ ...op, index: h.length + i, time: h.length + i }))]
    const r = checkListAppend(withRead, { consistencyModels: ['snapshot-isolation'] })
    expect(r.valid).toBe(false)
    const c = r.anomalies['G-single-item']![0] as CycleCase
    expect(c.orders).toBeUndefined()
    expect(c.steps.some((s) => s.via === 'open')).toBe(false)
  })
})

describe('an order forced because the reverse closes a cycle', () => {
  // A read k2 = nil and wrote 1 then 2; B wrote 3 to k2 and read k1 = nil; C wrote 4 to k1, read k2 = 2 (A's) and wrote 5.
  const h = events(
    [1, 'invoke', [['r', 2, null], ['w', 2, 1], ['w', 2, 2]]],
    [2, 'invoke', [['w', 2, 3], ['r', 1, null]]],
    [0, 'invoke', [['w', 1, 4], ['r', 2, null], ['w', 2, 5]]],
    [2, 'ok', [['w', 2, 3], ['r', 1, null]]],
    [1, 'ok', [['r', 2, null], ['w', 2, 1], ['w', 2, 2]]],
    [0, 'ok', [['w', 1, 4], ['r', 2, 2], ['w', 2, 5]]],
  )

  it('is not serializable, and the case says which order was forced and why', () => {
    const r = checkRwRegister(h, { consistencyModels: ['serializable'] })
    expect(r.valid).toBe(false)
    const c = r.anomalies['G-single-item']![0] as CycleCase
    // Which pair the search splits on and which it forces depends on the order it tries them;
    // either way one order of two writes to k2 is a case, another is forced, and the words say so.
    expect(c.orders).toHaveLength(2)
    const split = c.orders!.find((o) => o.how === 'case')!
    const forced = c.orders!.find((o) => o.how === 'forced')!
    expect(split.key).toBe(2)
    expect(forced.key).toBe(2)
    expect(forced.reverse!.type).toBe('G-single-item')
    const write = (t: string, v: unknown): string => `${t}'s write of ${String(v)}`
    const before = (o: OpenOrder): string => `${write(o.first, o.values[0])} came before ${write(o.second, o.values[1])}`
    const reverse = (o: OpenOrder): string => `${write(o.second, o.values[1])} came before ${write(o.first, o.values[0])}`
    expect(c.explanation).toContain(`Suppose ${before(split)}.`)
    expect(c.explanation).toContain(`If instead ${reverse(split)}: `)
    expect(c.explanation).toContain(`If ${reverse(forced)}: ${forced.reverse!.explanation} So ${before(forced)}.`)
    expect(c.explanation).toContain('(an order the history leaves open)')
    expect(c.explanation).toMatch(/Whichever order these writes took, the history has a cycle with at most one anti-dependency/)
  })
})
