/**
 * Repairs a first guess of the open orders that closes a few small cycles.
 *
 * On histories from a correct system, a first guess (resolve.ts) often gets
 * nearly every open order right and closes a handful of short cycles, each in
 * a strongly connected component of a few transactions. The exact search over
 * the whole component of the open orders (thousands of pairs) is costly; here
 * only the versions on those cycles are reopened. Each round takes, component
 * by component, the versions that the guess put next to each other on a
 * cycle, leaves every other version where the guess put it, and chooses the
 * reopened versions' order on that small problem, among the transactions
 * around them (order-search.ts: pair by pair, else by the exact search).
 * When the exact search proves every choice closes a cycle, the orders the
 * guess fixed on those cycles are reopened in turn; when that adds nothing,
 * every version of the keys, then of the keys nearby (see repairScope).
 *
 * The choice becomes the new guess, which the caller checks again over the
 * whole graph; a cycle the small problem could not see shows up there and the
 * next round reopens it. A repaired guess counts only once that check finds no
 * cycle, so the repair proves a class avoidable by a witness and never decides
 * the other way: when it cannot find such a guess the caller falls back to the
 * exact search over whole components.
 */
import type { Level } from './anomalies.js'
import { buildGraph, EdgeList, levelOf, type Graph } from './graph.js'
import { guessOrder, openPairs, PairSides, sideEdges, type KeyVersions } from './open-orders.js'
import { greedyOrders, searchOrders, type CycleClass, type Proof, type SearchStep } from './order-search.js'
import type { Budget } from './scc.js'

/** How far around a component the repair reopens versions, at most (see repairScope). */
const MAX_REACH = 3
/** Times the repair reopens the fixed orders that ruled out every choice, per reach. */
const MAX_CONFLICTS = 8

/** One key's guessed order of its versions. */
export interface KeyOrder {
  kv: KeyVersions
  order: number[]
}

export interface RepairInput {
  graph: Graph
  level: Level
  cls: CycleClass
  guess: KeyOrder[]
  /** The components of the known edges plus a guess's where the guess closes a cycle of the class. */
  failing: (guess: KeyOrder[]) => Int32Array[]
  budget: Budget
  /** Rounds of reopening before giving up. */
  rounds: number
  /** Keys with more versions are not reopened (their closure is quadratic). */
  maxVersions: number
}

/** A guess that closes no cycle of the class, or undefined when the repair found none. */
export function repairGuess(input: RepairInput): KeyOrder[] | undefined {
  let current = input.guess
  for (let round = 0; round <= input.rounds; round++) {
    const scopes = input.failing(current)
    if (scopes.length === 0) return current
    if (round === input.rounds) return undefined
    // Component by component (they share no transaction, and each problem stays small): first the
    // versions on its cycles alone; then, if those cannot be reordered, all their keys' versions;
    // then every version of every key its transactions touch.
    for (const scope of scopes) {
      let next: KeyOrder[] | undefined
      for (let reach = 0; reach <= MAX_REACH && !next; reach++) next = repairScope(input, current, scope, reach)
      if (!next) return undefined
      current = next
    }
  }
  return undefined
}

/**
 * `reach`: 0 the versions on the cycles, 1 all their keys' versions, 2 all
 * versions of the keys the component's transactions touch, 3 those of the keys
 * the transactions on those keys touch.
 */
function repairScope(input: RepairInput, current: KeyOrder[], scope: Int32Array, reach: number): KeyOrder[] | undefined {
  const { graph: g } = input
  const inScope = new Uint8Array(g.n)
  for (const t of scope) inScope[t] = 1
  // The versions the guess put next to each other on an edge inside a failing component.
  const reopen = new Map<number, Set<number>>()
  current.forEach(({ kv, order }, i) => {
    for (let j = 0; j + 1 < order.length; j++) {
      const u = order[j]!
      const v = order[j + 1]!
      if (!inScope[kv.writer[v]!] || !(inScope[kv.writer[u]!] || kv.readers[u]!.some((r) => inScope[r] === 1))) continue
      let set = reopen.get(i)
      if (!set) reopen.set(i, (set = new Set()))
      set.add(u).add(v)
    }
  })
  // Reach 2 and on: the keys the transactions touch, then (3) the keys of every transaction on those keys.
  const near = inScope.slice()
  for (let hop = 2; hop <= reach; hop++) {
    const touched = (kv: KeyVersions): boolean => kv.writer.some((w, v) => near[w] === 1 || kv.readers[v]!.some((r) => near[r] === 1))
    const keys = current.map((_, i) => i).filter((i) => touched(current[i]!.kv))
    for (const i of keys) {
      if (!reopen.has(i)) reopen.set(i, new Set())
      const { kv } = current[i]!
      if (hop < reach) kv.writer.forEach((w, v) => [w, ...kv.readers[v]!].forEach((t) => (near[t] = 1)))
    }
  }
  if (reopen.size === 0) return undefined
  if (reach > 0) for (const [i, set] of reopen) current[i]!.order.forEach((v) => set.add(v))
  // When every choice closes a cycle, the cycles may run through orders the guess fixed: those are
  // reopened in turn, as long as that adds something.
  for (let round = 0; round <= MAX_CONFLICTS; round++) {
    const result = solve(input, current, scope, inScope, reopen)
    if (result.kind !== 'conflict') return result.next
    let grew = false
    for (const [i, a, b] of result.fixed) {
      let set = reopen.get(i)
      if (!set) reopen.set(i, (set = new Set()))
      for (const v of [a, b]) {
        if (set.has(v)) continue
        set.add(v)
        grew = true
      }
    }
    if (!grew) return undefined
  }
  return undefined
}

type Solved = { kind: 'solved'; next: KeyOrder[] | undefined } | { kind: 'conflict'; fixed: [number, number, number][] }

/** The reopened versions' order chosen on the small problem, or the fixed orders the cycles that ruled every choice out ran through. */
function solve(input: RepairInput, current: KeyOrder[], scope: Int32Array, inScope: Uint8Array, reopen: Map<number, Set<number>>): Solved {
  const { graph: g, level } = input
  // The transactions around them: the failing components, and every writer and reader of a reopened key.
  const local = new Int32Array(g.n).fill(-1)
  const members: number[] = []
  const add = (t: number): void => {
    if (local[t]! >= 0) return
    local[t] = members.length
    members.push(t)
  }
  for (const t of scope) add(t)
  for (const i of reopen.keys()) {
    const { kv } = current[i]!
    kv.writer.forEach((w, v) => {
      add(w)
      for (const r of kv.readers[v]!) add(r)
    })
  }

  // Known edges among them, and the edges of every guessed order outside the reopened versions.
  const known = new EdgeList(1024)
  for (const t of members) {
    for (let pos = g.offsets[t]!; pos < g.offsets[t + 1]!; pos++) {
      const to = local[g.targets[pos]!]!
      if (to >= 0 && levelOf(g.rels[pos]!) <= level) known.add(local[t]!, to, g.rels[pos]!)
    }
  }
  const fixedOrders = current.map(({ order }, i) => order.filter((v) => !reopen.get(i)?.has(v)))
  // Where each fixed edge comes from: the key's order, and the two versions.
  const fixedOrigin = new Map<string, [number, number, number]>()
  current.forEach(({ kv }, i) => {
    const fixed = fixedOrders[i]!
    for (let j = 0; j + 1 < fixed.length; j++) {
      sideEdges(kv, fixed[j]!, fixed[j + 1]!, (e) => {
        if (local[e.from]! < 0 || local[e.to]! < 0) return
        known.add(local[e.from]!, local[e.to]!, e.rel)
        fixedOrigin.set(`${local[e.from]!} ${local[e.to]!} ${e.rel}`, [i, fixed[j]!, fixed[j + 1]!])
      })
    }
  })

  // Pairs with a reopened version, each side's edges among the members.
  const pairs: { i: number; u: number; v: number }[] = []
  const positions = new Map<number, Int32Array>()
  const candidates: { i: number; u: number; v: number; near: number }[] = []
  for (const [i, set] of reopen) {
    const { kv, order } = current[i]!
    const open = openPairs(kv, level, input.maxVersions)
    if (!open) return { kind: 'solved', next: undefined }
    const position = new Int32Array(kv.writer.length)
    order.forEach((v, p) => (position[v] = p))
    positions.set(i, position)
    for (const [u, v] of open) {
      if (set.has(u) || set.has(v)) candidates.push({ i, u, v, near: inScope[kv.writer[u]!]! + inScope[kv.writer[v]!]! })
    }
  }
  // Pairs of the component's own writes first: a choice made pair by pair settles those before the rest.
  candidates.sort((x, y) => y.near - x.near)
  const sides = new PairSides()
  for (const { i, u, v } of candidates) {
    const position = positions.get(i)!
    pairs.push({ i, u, v })
    sides.add(current[i]!.kv, u, v, position[u]! < position[v]!, local)
  }
  const problem = sides.problem(buildGraph(members.length, known))
  // A choice made pair by pair first (cheap, and usually enough); the exact search when that fails.
  let assign = greedyOrders(problem, input.cls, input.budget)
  if (!assign) {
    const result = searchOrders(problem, input.cls, input.budget)
    if (result.kind === 'unknown') return { kind: 'solved', next: undefined }
    if (result.kind === 'unavoidable') {
      const fixed: [number, number, number][] = []
      for (const step of proofSteps(result.proof)) {
        const origin = step.side < 0 ? fixedOrigin.get(`${step.from} ${step.to} ${step.rel}`) : undefined
        if (origin) fixed.push(origin)
      }
      return { kind: 'conflict', fixed }
    }
    assign = result.assign
  }

  // Each reopened key's new order: the fixed versions as they were, the pairs as the search chose.
  const extra = new Map<number, [number, number][]>()
  for (const i of reopen.keys()) {
    const fixed = fixedOrders[i]!
    extra.set(
      i,
      fixed.slice(1).map((v, j): [number, number] => [fixed[j]!, v]),
    )
  }
  pairs.forEach(({ i, u, v }, c) => extra.get(i)!.push(assign[c] === 0 ? [u, v] : [v, u]))
  const next = current.slice()
  for (const i of reopen.keys()) {
    const { kv } = current[i]!
    const position = positions.get(i)!
    const order = guessOrder(kv, level, (v) => position[v]!, extra.get(i))
    if (!order) return { kind: 'solved', next: undefined }
    next[i] = { kv, order }
  }
  return { kind: 'solved', next }
}

/** Every step of every cycle in a proof, those that forced an order included. */
function proofSteps(proof: Proof): SearchStep[] {
  if (proof.kind === 'split') return [...proofSteps(proof.cases[0]), ...proofSteps(proof.cases[1])]
  return [...proof.steps, ...proof.forced.flatMap((f) => f.because)]
}
