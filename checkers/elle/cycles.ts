/**
 * The cycle search. Strongly connected components of the whole graph first:
 * a history without a component of two or more transactions has no cycle, and
 * the search ends there (the usual case, linear time). Each cyclic component is
 * then searched for the cycle shapes the anomalies name, weakest-model first:
 *
 * | shape              | how its existence is decided (within the component)               |
 * |--------------------|-------------------------------------------------------------------|
 * | G0                 | a cycle of ww edges: a component of the ww subgraph               |
 * | G1c                | a wr edge inside a component of the ww ∪ wr subgraph              |
 * | G-single-item      | an rw edge inside a component of the ww ∪ wr subgraph             |
 * | G-nonadjacent-item | an rw edge inside a component of the two-state graph (scc.ts)     |
 * | G2-item            | an rw edge inside a component of the whole (level) subgraph       |
 *
 * then at level 1 with process edges added, and level 2 with real-time edges,
 * skipping shapes that an anomaly already found implies. Each test is exact
 * and linear, and the witness is the shortest path back across the edge found
 * (breadth-first), so a reported cycle is short. A budget of steps and time
 * bounds the work per component; running out leaves the component undecided.
 */
import { classifyCycle, cycleName, impliedAnomalies, type CycleBase, type Level } from './anomalies.js'
import { ANY_RW, levelOf, NON_RW, RW_AT, WR, WW_AT, type Graph } from './graph.js'
import { Budget, BudgetExceeded, components, shortestPath, type Components, type Scope, type Walk } from './scc.js'

/** A cycle as transactions and the relation of each step (t[i] -rels[i]-> t[i+1], wrapping). */
export interface FoundCycle {
  type: string
  txns: number[]
  rels: number[]
}

export interface ComponentSearch {
  members: Int32Array
  cycles: FoundCycle[]
  /** The budget ran out before every shape was decided. */
  timedOut: boolean
}

const ALL = 0xffff

/**
 * Components of two or more transactions in the whole graph (every relation),
 * and each transaction's component number: numbers decrease along every edge
 * between components (Tarjan's order, sinks first), a topological order.
 */
export function cyclicComponents(g: Graph): { members: Int32Array[]; comp: Int32Array } {
  const all = new Int32Array(g.n)
  for (let v = 0; v < g.n; v++) all[v] = v
  const scope: Scope = { nodes: all, local: all }
  const comps = components(g, scope, { plain: ALL, rw: 0, doubled: false }, new Budget(Infinity, Infinity))
  const members: number[][] = []
  const slot = new Int32Array(comps.count).fill(-1)
  for (let v = 0; v < g.n; v++) {
    const c = comps.comp[v]!
    if (comps.size[c]! < 2) continue
    if (slot[c] === -1) {
      slot[c] = members.length
      members.push([])
    }
    members[slot[c]!]!.push(v)
  }
  return { members: members.map((m) => Int32Array.from(m)), comp: comps.comp }
}

/**
 * A cycle of a class (at most one anti-dependency, none adjacent, or any) at
 * `level` in the scope, or undefined: one without anti-dependencies first,
 * then one through an rw edge by the shape's exact test.
 */
export function classCycle(g: Graph, scope: Scope, cls: 'G-single-item' | 'G-nonadjacent-item' | 'G2-item', level: Level, budget: Budget): FoundCycle | undefined {
  const plainWalk: Walk = { plain: NON_RW[level]!, rw: 0, doubled: false }
  const plain = components(g, scope, plainWalk, budget)
  const noRw = witness(g, scope, plainWalk, NON_RW[level]!, level, budget, plain)
  if (noRw) return noRw
  if (cls === 'G-single-item') return singleRwCycle(g, scope, plainWalk, level, budget, plain)
  const walk: Walk =
    cls === 'G-nonadjacent-item'
      ? { plain: NON_RW[level]!, rw: RW_AT[level]!, doubled: true }
      : { plain: NON_RW[level]! | RW_AT[level]!, rw: 0, doubled: false }
  return witness(g, scope, walk, RW_AT[level]!, level, budget)
}

/** Preference when several relations join the same two transactions: data before orders, rw last. */
const PREFERENCE = [1, 2, 32, 8, 128, 16, 4, 64, 256]

export function searchComponent(g: Graph, members: Int32Array, local: Int32Array, maxLevel: Level, budget: Budget): ComponentSearch {
  for (let i = 0; i < members.length; i++) local[members[i]!] = i
  const scope: Scope = { nodes: members, local }
  const cycles: FoundCycle[] = []
  const found = new Set<string>()
  let implied = new Set<string>()
  const record = (cycle: FoundCycle): void => {
    cycles.push(cycle)
    found.add(cycle.type)
    implied = impliedAnomalies(found)
  }
  let timedOut = false
  try {
    for (let level = 0 as Level; level <= maxLevel; level = (level + 1) as Level) {
      const want = (base: CycleBase): boolean => !implied.has(cycleName(base, level))
      if (want('G0')) {
        const walk: Walk = { plain: WW_AT[level]!, rw: 0, doubled: false }
        const c = witness(g, scope, walk, WW_AT[level]!, level, budget)
        if (c) record(c)
      }
      const plainWalk: Walk = { plain: NON_RW[level]!, rw: 0, doubled: false }
      let plain: Components | undefined
      if (want('G1c')) {
        plain = components(g, scope, plainWalk, budget)
        const c = witness(g, scope, plainWalk, WR, level, budget, plain)
        if (c) record(c)
      }
      if (want('G-single-item')) {
        plain ??= components(g, scope, plainWalk, budget)
        // An rw edge whose ends share a ww/wr component closes a cycle with exactly one rw.
        const c = witness(g, scope, plainWalk, RW_AT[level]!, level, budget, plain)
        if (c) record(c)
      }
      if (want('G-nonadjacent-item')) {
        const walk: Walk = { plain: NON_RW[level]!, rw: RW_AT[level]!, doubled: true }
        const c = witness(g, scope, walk, RW_AT[level]!, level, budget)
        if (c) record(c)
      }
      if (want('G2-item')) {
        const walk: Walk = { plain: NON_RW[level]! | RW_AT[level]!, rw: 0, doubled: false }
        const c = witness(g, scope, walk, RW_AT[level]!, level, budget)
        if (c) record(c)
      }
    }
  } catch (e) {
    if (!(e instanceof BudgetExceeded)) throw e
    timedOut = true
  } finally {
    for (let i = 0; i < members.length; i++) local[members[i]!] = -1
  }
  return { members, cycles, timedOut }
}

/**
 * A cycle with exactly one rw edge: an rw edge a -> b and a path back from b to
 * a without rw edges. The path need not close a cycle of its own (the test by
 * components misses those), so past it this searches breadth-first from each
 * rw edge's target, skipping edges whose target's component of the ww/wr walk
 * comes after the source's (numbers decrease along paths between components).
 */
function singleRwCycle(g: Graph, scope: Scope, walk: Walk, level: Level, budget: Budget, plain: Components): FoundCycle | undefined {
  const inComponent = witness(g, scope, walk, RW_AT[level]!, level, budget, plain)
  if (inComponent) return inComponent
  const rw = RW_AT[level]!
  const sources = new Map<number, number[]>()
  for (let i = 0; i < scope.nodes.length; i++) {
    const v = scope.nodes[i]!
    for (let pos = g.offsets[v]!; pos < g.offsets[v + 1]!; pos++) {
      if (!(g.rels[pos]! & rw)) continue
      const b = scope.local[g.targets[pos]!]!
      if (b < 0 || plain.comp[b]! < plain.comp[i]!) continue
      let list = sources.get(b)
      if (!list) sources.set(b, (list = []))
      list.push(pos)
    }
  }
  const one: Components = { comp: new Int32Array(scope.nodes.length), count: 1, size: Int32Array.of(scope.nodes.length) }
  for (const [b, positions] of sources) {
    for (const pos of positions) {
      const a = scope.local[sourceOf(g, pos)]!
      const path = shortestPath(g, scope, walk, one, b, a, budget)
      if (path) return toCycle(g, [pos, ...path], level)
    }
  }
  return undefined
}

/**
 * The shortest cycle made of one edge whose relation is in `seed` and a path
 * back along `walk` inside one component of it (`comps`). The seed edge leaves
 * its node in state 0; in the two-state walk it is an rw edge and lands in
 * state 1. A few seed edges are tried and the shortest cycle kept: short
 * cycles read best.
 */
function witness(g: Graph, scope: Scope, walk: Walk, seed: number, level: Level, budget: Budget, comps?: Components): FoundCycle | undefined {
  const cs = comps ?? components(g, scope, walk, budget)
  const d = walk.doubled ? 1 : 0
  let best: number[] | undefined
  let tries = 0
  search: for (let i = 0; i < scope.nodes.length; i++) {
    const v = scope.nodes[i]!
    const x = i << d
    const end = g.offsets[v + 1]!
    budget.spend(end - g.offsets[v]! + 1)
    for (let pos = g.offsets[v]!; pos < end; pos++) {
      if (!(g.rels[pos]! & seed)) continue
      const lw = scope.local[g.targets[pos]!]!
      if (lw < 0) continue
      const y = (lw << d) | d
      if (cs.comp[y] !== cs.comp[x]) continue
      const path = shortestPath(g, scope, walk, cs, y, x, budget)
      if (!path) continue
      if (!best || path.length + 1 < best.length) best = [pos, ...path]
      if (best.length === 2 || ++tries >= WITNESS_TRIES) break search
    }
  }
  return best ? toCycle(g, best, level) : undefined
}

const WITNESS_TRIES = 16

/** Turns edge positions into transactions and relations, preferring the weakest relation on each step but the first. */
function toCycle(g: Graph, positions: number[], level: Level): FoundCycle {
  const txns: number[] = []
  const rels: number[] = []
  const allowed = NON_RW[level]! | RW_AT[level]!
  for (let i = 0; i < positions.length; i++) {
    const pos = positions[i]!
    const to = g.targets[pos]!
    const from = sourceOf(g, pos)
    txns.push(from)
    if (i === 0) {
      rels.push(g.rels[pos]!)
      continue
    }
    let best = g.rels[pos]!
    for (let p = g.offsets[from]!; p < g.offsets[from + 1]!; p++) {
      if (g.targets[p] !== to || !(g.rels[p]! & allowed)) continue
      if (PREFERENCE.indexOf(g.rels[p]!) < PREFERENCE.indexOf(best)) best = g.rels[p]!
    }
    rels.push(best)
  }
  const { base, level: at } = classifyCycle(rels.map((r) => ({ rw: (r & ANY_RW) !== 0, wr: (r & WR) !== 0, level: levelOf(r) })))
  return { type: cycleName(base, at), txns, rels }
}

/** The source node of the edge at CSR position pos (binary search over offsets). */
function sourceOf(g: Graph, pos: number): number {
  let lo = 0
  let hi = g.n - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (g.offsets[mid]! <= pos) lo = mid
    else hi = mid - 1
  }
  return lo
}
