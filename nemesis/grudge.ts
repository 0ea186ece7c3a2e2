/**
 * Partition topologies as grudges, after Jepsen's `jepsen.nemesis`: a grudge
 * maps each node to the nodes whose packets it drops. Pure functions of the
 * node list and the seeded random source, so a schedule can print its
 * partitions before it runs them.
 */
import type { Random } from '../core/random.js'

/** node → nodes it drops packets from. Nodes with no grudge may be absent. */
export type Grudge = Record<string, string[]>

export const TOPOLOGIES = [
  'halves',
  'random-halves',
  'one',
  'majority',
  'majorities-ring',
  'bridge',
  'minority-third',
  'primaries',
] as const
export type Topology = (typeof TOPOLOGIES)[number]

export const TOPOLOGY_DESCRIPTIONS: Record<Topology, string> = {
  halves: 'the first ⌊n/2⌋ nodes (in node order) against the rest',
  'random-halves': 'a random ⌊n/2⌋ nodes against the rest',
  one: 'one random node isolated from all others',
  majority: 'a random majority stays connected; every other node is alone (reaches no one)',
  'majorities-ring': 'each node sees a majority of a random ring, and no two nodes see the same majority',
  bridge: 'two halves that cannot talk, and one node that both halves see',
  'minority-third': 'a random third of the nodes (at least one, always a minority) against the rest',
  primaries: 'each current leader alone; the other nodes together',
}

/** The fewest nodes each topology can be drawn on ('primaries' isolates whoever leads, even alone). */
export const TOPOLOGY_MIN_NODES: Record<Topology, number> = {
  halves: 2,
  'random-halves': 2,
  one: 2,
  majority: 2,
  'majorities-ring': 3,
  bridge: 3,
  'minority-third': 2,
  primaries: 1,
}

export function isTopology(s: string): s is Topology {
  return (TOPOLOGIES as readonly string[]).includes(s)
}

/** Every node drops every node outside its own component (Jepsen's complete-grudge). */
export function completeGrudge(components: readonly (readonly string[])[]): Grudge {
  const all = components.flat()
  const grudge: Grudge = {}
  for (const component of components) {
    const inside = new Set(component)
    for (const node of component) grudge[node] = all.filter((n) => !inside.has(n))
  }
  return grudge
}

/** Splits at ⌊n/2⌋: the first part is the smaller half (Jepsen's bisect). */
export function bisect<T>(xs: readonly T[]): [T[], T[]] {
  const k = Math.floor(xs.length / 2)
  return [xs.slice(0, k), xs.slice(k)]
}

function needNodes(nodes: readonly string[], topology: Topology): void {
  const min = TOPOLOGY_MIN_NODES[topology]
  if (nodes.length < min) throw new RangeError(`the '${topology}' partition needs at least ${min} nodes, got ${nodes.length}`)
}

export function halves(nodes: readonly string[]): Grudge {
  needNodes(nodes, 'halves')
  return completeGrudge(bisect(nodes))
}

export function randomHalves(nodes: readonly string[], random: Random): Grudge {
  needNodes(nodes, 'random-halves')
  return completeGrudge(bisect(random.shuffle(nodes)))
}

export function isolateOne(nodes: readonly string[], random: Random): Grudge {
  needNodes(nodes, 'one')
  const node = random.pick(nodes)
  return completeGrudge([[node], nodes.filter((n) => n !== node)])
}

export function majority(nodes: readonly string[], random: Random): Grudge {
  needNodes(nodes, 'majority')
  const shuffled = random.shuffle(nodes)
  const size = Math.floor(nodes.length / 2) + 1
  return completeGrudge([shuffled.slice(0, size), ...shuffled.slice(size).map((n) => [n])])
}

/**
 * Nodes on a random ring; each sees itself and the d nearest nodes on each
 * side, with 2d+1 the smallest odd number ≥ a majority. Links are symmetric.
 * For n ≥ 4 every view is a majority and all views differ (for n ≤ 3 there is
 * no such topology: every majority view is the whole cluster or asymmetric).
 */
export function majoritiesRing(nodes: readonly string[], random: Random): Grudge {
  needNodes(nodes, 'majorities-ring')
  const ring = random.shuffle(nodes)
  const n = ring.length
  const m = Math.floor(n / 2) + 1
  const d = Math.ceil((m - 1) / 2)
  const grudge: Grudge = {}
  for (let i = 0; i < n; i++) {
    const sees = new Set<string>()
    for (let k = -d; k <= d; k++) sees.add(ring[(((i + k) % n) + n) % n] as string)
    grudge[ring[i] as string] = ring.filter((x) => !sees.has(x))
  }
  return grudge
}

/** Jepsen's bridge: halves of a random order, the first node of the second half sees both. */
export function bridge(nodes: readonly string[], random: Random): Grudge {
  needNodes(nodes, 'bridge')
  const shuffled = random.shuffle(nodes)
  const [left, rest] = bisect(shuffled)
  const [middle, ...right] = rest as [string, ...string[]]
  const grudge: Grudge = { [middle]: [] }
  for (const n of left) grudge[n] = [...right]
  for (const n of right) grudge[n] = [...left]
  return grudge
}

/** The largest integer strictly below n/3, at least 1. */
export function minorityThirdSize(n: number): number {
  return Math.max(1, Math.ceil(n / 3) - 1)
}

export function minorityThird(nodes: readonly string[], random: Random): Grudge {
  needNodes(nodes, 'minority-third')
  const shuffled = random.shuffle(nodes)
  const k = minorityThirdSize(nodes.length)
  return completeGrudge([shuffled.slice(0, k), shuffled.slice(k)])
}

/** Each primary alone, the rest together. No primaries: no partition. */
export function isolatePrimaries(nodes: readonly string[], primaries: readonly string[]): Grudge {
  const leaders = nodes.filter((n) => primaries.includes(n))
  if (leaders.length === 0) return {}
  return completeGrudge([nodes.filter((n) => !leaders.includes(n)), ...leaders.map((n) => [n])].filter((c) => c.length > 0))
}

/** Builds the grudge of a topology ('primaries' needs the current leaders). */
export function grudgeFor(topology: Topology, nodes: readonly string[], random: Random, primaries: readonly string[] = []): Grudge {
  switch (topology) {
    case 'halves':
      return halves(nodes)
    case 'random-halves':
      return randomHalves(nodes, random)
    case 'one':
      return isolateOne(nodes, random)
    case 'majority':
      return majority(nodes, random)
    case 'majorities-ring':
      return majoritiesRing(nodes, random)
    case 'bridge':
      return bridge(nodes, random)
    case 'minority-third':
      return minorityThird(nodes, random)
    case 'primaries':
      return isolatePrimaries(nodes, primaries)
  }
}

/** Checks an explicit grudge against the cluster's nodes; returns it normalised (sorted, no self-drops). */
export function validateGrudge(grudge: Readonly<Record<string, readonly string[]>>, nodes: readonly string[]): Grudge {
  const known = new Set(nodes)
  const out: Grudge = {}
  for (const [node, drops] of Object.entries(grudge)) {
    if (!known.has(node)) throw new RangeError(`grudge names unknown node '${node}' (nodes: ${nodes.join(', ')})`)
    for (const d of drops) if (!known.has(d)) throw new RangeError(`grudge of ${node} names unknown node '${d}'`)
    const list = [...new Set(drops)].filter((d) => d !== node).sort()
    if (list.length > 0) out[node] = list
  }
  return out
}

/** Whether `a` receives packets from `b` under the grudge. */
export function hears(grudge: Grudge, a: string, b: string): boolean {
  return a === b || !(grudge[a] ?? []).includes(b)
}

/** Whether a and b can talk both ways (what a TCP connection needs). */
export function connected(grudge: Grudge, a: string, b: string): boolean {
  return hears(grudge, a, b) && hears(grudge, b, a)
}

/** The nodes each node can talk to both ways (itself included), for reports and tests. */
export function views(grudge: Grudge, nodes: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const a of nodes) out[a] = nodes.filter((b) => connected(grudge, a, b))
  return out
}
