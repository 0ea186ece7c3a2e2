import { describe, expect, it } from 'vitest'
import { Random } from '../../../core/random.js'
import {
  bisect,
  bridge,
  completeGrudge,
  connected,
  grudgeFor,
  halves,
  isolateOne,
  isolatePrimaries,
  majoritiesRing,
  majority,
  minorityThird,
  minorityThirdSize,
  randomHalves,
  TOPOLOGIES,
  validateGrudge,
  views,
  type Grudge,
} from '../../../nemesis/grudge.js'

const nodes = (n: number): string[] => Array.from({ length: n }, (_, i) => `n${i + 1}`)
const five = nodes(5)
const seeds = Array.from({ length: 25 }, (_, i) => i + 1)

/** The connected components (both-ways links) of a grudge that is a partition. */
const components = (g: Grudge, ns: string[]): string[][] => {
  const seen = new Set<string>()
  const out: string[][] = []
  for (const a of ns) {
    if (seen.has(a)) continue
    const c = ns.filter((b) => connected(g, a, b))
    c.forEach((b) => seen.add(b))
    out.push(c)
  }
  return out
}

const symmetric = (g: Grudge, ns: string[]): boolean => ns.every((a) => ns.every((b) => connected(g, a, b) === connected(g, b, a)))

describe('grudges', () => {
  it('completeGrudge: each node drops exactly the nodes outside its component', () => {
    expect(completeGrudge([['n1', 'n2'], ['n3']])).toEqual({ n1: ['n3'], n2: ['n3'], n3: ['n1', 'n2'] })
  })

  it('bisect puts the smaller half first', () => {
    expect(bisect(five)).toEqual([['n1', 'n2'], ['n3', 'n4', 'n5']])
  })

  it('halves: the first ⌊n/2⌋ nodes against the rest, in node order', () => {
    expect(components(halves(five), five)).toEqual([['n1', 'n2'], ['n3', 'n4', 'n5']])
  })

  it('random-halves: two components of ⌊n/2⌋ and ⌈n/2⌉, varying with the seed', () => {
    const seen = new Set<string>()
    for (const s of seeds) {
      const c = components(randomHalves(five, new Random(s)), five)
      expect(c.map((x) => x.length).sort()).toEqual([2, 3])
      seen.add(JSON.stringify(c))
    }
    expect(seen.size).toBeGreaterThan(3)
  })

  it('one: a single node cut off from all others', () => {
    for (const s of seeds) {
      const c = components(isolateOne(five, new Random(s)), five)
      expect(c.map((x) => x.length).sort()).toEqual([1, 4])
    }
  })

  it('majority: a connected majority, and every other node alone', () => {
    for (const n of [3, 4, 5, 7]) {
      for (const s of seeds) {
        const c = components(majority(nodes(n), new Random(s)), nodes(n))
        const sizes = c.map((x) => x.length).sort((a, b) => b - a)
        expect(sizes[0]).toBe(Math.floor(n / 2) + 1)
        expect(sizes.slice(1).every((k) => k === 1)).toBe(true)
      }
    }
  })

  it('majorities-ring: every node sees a majority, links are symmetric, and no two nodes see the same majority (n ≥ 4)', () => {
    for (const n of [4, 5, 6, 7, 9]) {
      for (const s of seeds) {
        const ns = nodes(n)
        const g = majoritiesRing(ns, new Random(s))
        expect(symmetric(g, ns)).toBe(true)
        const v = views(g, ns)
        for (const a of ns) expect(v[a]!.length).toBeGreaterThanOrEqual(Math.floor(n / 2) + 1)
        expect(new Set(Object.values(v).map((x) => x.join())).size).toBe(n)
      }
    }
  })

  it('majorities-ring on 5 nodes: each node sees exactly 3 (itself and its two ring neighbours)', () => {
    const v = views(majoritiesRing(five, new Random(3)), five)
    for (const a of five) expect(v[a]).toHaveLength(3)
  })

  it('bridge: two halves that cannot talk, and one node that sees both', () => {
    for (const s of seeds) {
      const g = bridge(five, new Random(s))
      const v = views(g, five)
      const hub = five.filter((a) => v[a]!.length === 5)
      expect(hub).toHaveLength(1)
      const rest = five.filter((a) => a !== hub[0])
      const sides = components(
        Object.fromEntries(rest.map((a) => [a, g[a]!])),
        rest,
      )
      expect(sides.map((x) => x.length)).toEqual([2, 2])
      for (const a of sides[0]!) for (const b of sides[1]!) expect(connected(g, a, b)).toBe(false)
    }
  })

  it('minority-third: a random group strictly under a third (at least one) against the rest', () => {
    expect([3, 4, 5, 6, 7, 9, 10].map(minorityThirdSize)).toEqual([1, 1, 1, 1, 2, 2, 3])
    for (const n of [3, 5, 7, 10]) {
      const c = components(minorityThird(nodes(n), new Random(9)), nodes(n))
      expect(c.map((x) => x.length).sort((a, b) => a - b)).toEqual([minorityThirdSize(n), n - minorityThirdSize(n)])
    }
  })

  it('primaries: each primary alone, the others together; no primaries, no partition', () => {
    expect(components(isolatePrimaries(five, ['n2', 'n4']), five)).toEqual([['n1', 'n3', 'n5'], ['n2'], ['n4']])
    expect(isolatePrimaries(five, [])).toEqual({})
  })

  it('every topology is symmetric and deterministic for a seed', () => {
    for (const t of TOPOLOGIES) {
      const a = grudgeFor(t, five, new Random(42), ['n1'])
      const b = grudgeFor(t, five, new Random(42), ['n1'])
      expect(a).toEqual(b)
      expect(symmetric(a, five)).toBe(true)
    }
  })

  it('too few nodes is an error naming the topology', () => {
    expect(() => bridge(['n1', 'n2'], new Random(1))).toThrow(/'bridge' partition needs at least 3 nodes/)
  })

  it('validateGrudge rejects unknown nodes and normalises the rest', () => {
    expect(validateGrudge({ n1: ['n3', 'n2', 'n1', 'n2'], n2: [] }, five)).toEqual({ n1: ['n2', 'n3'] })
    expect(() => validateGrudge({ n9: ['n1'] }, five)).toThrow(/unknown node 'n9'/)
    expect(() => validateGrudge({ n1: ['x'] }, five)).toThrow(/unknown node 'x'/)
  })
})
