/**
 * Open orders against the cycles the models forbid. The known edges hold in
 * every execution, so a cycle among them is an anomaly of every execution
 * (cycles.ts finds those). Where the order of some writes is open, each order
 * adds its own edges, and the history has an anomaly only if every order
 * closes a cycle of it. For each level (data, + process, + real time) and class
 * of cycle (at most one anti-dependency, none adjacent, any) that the known
 * edges do not already show, this decides whether some order avoids it:
 *
 * 1. A first guess: each key's versions in an order that extends the known one
 *    (for lists, in the topological order of the known graph; for registers,
 *    the version whose writer and readers completed first comes first, or,
 *    when that closes a cycle, a serial replay of the history: serial-guess.ts).
 *    The guess's edges and the known ones are searched for cycles of the class,
 *    linearly. A guess that closes none at the highest level settles
 *    everything: the usual case for histories from a correct system.
 * 2. A guess that closes a few cycles at the highest level is repaired
 *    (guess-repair.ts): the versions on each cycle are reordered by a search
 *    over that small part, and the result is checked again over the whole
 *    graph. A repaired guess that closes no cycle settles everything too.
 * 3. Otherwise, class by class and level by level, where the guess closes a
 *    cycle: only orders inside one component of the known edges plus every
 *    edge some order could add can interact (each key's possible edges stand
 *    in as a hub node joined both ways to its writers and readers). In each
 *    component where the guess failed, the exact search
 *    (order-search.ts) either finds orders that avoid the class, proves that
 *    every order closes a cycle of it, or runs out of budget (undecided).
 *
 * G0 and G1c never need this: an order taken from a topological order of the
 * known write and read edges adds only forward ww edges, so when the known
 * edges have no such cycle, some order has none.
 */
import { cycleName, impliedAnomalies, type Level } from './anomalies.js'
import { classCycle } from './cycles.js'
import { buildGraph, EdgeList, levelOf, WW, type Graph } from './graph.js'
import { guessOrder, isSettled, openPairs, orderEdges, PairSides, type KeyVersions } from './open-orders.js'
import { repairGuess, type KeyOrder } from './guess-repair.js'
import { serialRanks } from './serial-guess.js'
import { searchOrders, type CycleClass, type Proof, type SearchProblem } from './order-search.js'
import { Budget, components } from './scc.js'
import { OK, type Txns } from './txn.js'
import type { DataModel } from './types.js'

/** Classes of cycle, weakest first (each one's cycles are among the next one's). */
const CLASSES: readonly CycleClass[] = ['G-single-item', 'G-nonadjacent-item', 'G2-item']
const STRENGTH: Record<CycleClass, number> = { 'G-single-item': 0, 'G-nonadjacent-item': 1, 'G2-item': 2 }

/** Keys with more versions than this are not searched exactly (their closure is quadratic). */
const MAX_VERSIONS = 8192
/** A component with more open pairs than this is left undecided rather than searched. */
const MAX_PAIRS = 1_000_000
/** Register histories have three first guesses (see Resolver.guess); list-append one. */
const REGISTER_GUESSES = 3
/** The register guess that replays the history serially (serial-guess.ts); 0 and 1 rank by commit bounds. */
const SERIAL_REPLAY = 2
/** The slot of a level's repaired guess, after the first guesses'. */
const REPAIRED = REGISTER_GUESSES
const GUESS_SLOTS = REGISTER_GUESSES + 1
/** Rounds of reopening a guess's cycles (guess-repair.ts) before the whole-component search. */
const REPAIR_ROUNDS = 8

/** Where each side edge of a search problem comes from: the key's versions, and the two versions. */
export interface SideOrigin {
  kv: KeyVersions
  before: number
  after: number
}

/** A component's search, in the terms an explanation needs. */
export interface OpenComponent {
  problem: SearchProblem
  /** Local node → transaction. */
  members: Int32Array
  /** Per side edge: where it comes from. */
  origins: SideOrigin[]
  /** Per pair: its key's versions and the two versions (side 2c puts `u` first). */
  pairs: { kv: KeyVersions; u: number; v: number }[]
}

/** An anomaly every order of the open writes has: a class of cycle at a level, with the proof. */
export interface OpenAnomaly {
  type: string
  cls: CycleClass
  level: Level
  component: OpenComponent
  proof: Proof
}

export interface Undecided {
  type: string
  size: number
  sample: number[]
  reason: string
}

export interface Resolution {
  anomalies: OpenAnomaly[]
  undecided: Undecided[]
}

export interface ResolveInput {
  txns: Txns
  graph: Graph
  open: KeyVersions[]
  dataModel: DataModel
  maxLevel: Level
  /** Anomaly types the known edges already show. */
  found: Iterable<string>
  /** Component number of each transaction in the whole known graph (decreasing along edges). */
  comp: Int32Array
  budget: () => Budget
}

export function resolveOpenOrders(input: ResolveInput): Resolution {
  const out: Resolution = { anomalies: [], undecided: [] }
  if (input.open.length === 0) return out
  const ctx = new Resolver(input)
  const found = new Set(input.found)
  const isFound = (cls: CycleClass, level: Level): boolean => impliedAnomalies(found).has(cycleName(cls, level))
  // The usual case: the first guess avoids every cycle at the highest level, so at every level.
  if (!isFound('G2-item', input.maxLevel) && ctx.guessAvoids('G2-item', input.maxLevel)) return out
  const avoided: { cls: CycleClass; level: Level }[] = []
  const undecided: (Undecided & { cls: CycleClass; level: Level })[] = []
  for (let level = 0 as Level; level <= input.maxLevel; level = (level + 1) as Level) {
    for (const cls of CLASSES) {
      // A class found implies the stronger classes at this level.
      if (isFound(cls, level)) break
      const decided = ctx.decide(cls, level)
      if (decided.kind === 'avoidable') avoided.push({ cls, level })
      else if (decided.kind === 'unknown') undecided.push(...decided.undecided.map((u) => ({ ...u, cls, level })))
      else {
        out.anomalies.push(...decided.anomalies)
        found.add(cycleName(cls, level))
        break
      }
    }
  }
  // An undecided class is decided after all when a stronger class was avoided at that level or above.
  out.undecided = undecided
    .filter((u) => !avoided.some((a) => STRENGTH[a.cls] >= STRENGTH[u.cls] && a.level >= u.level))
    .map(({ cls: _c, level: _l, ...u }) => u)
  return out
}

type Decision =
  | { kind: 'avoidable' }
  | { kind: 'unavoidable'; anomalies: OpenAnomaly[] }
  | { kind: 'unknown'; undecided: Undecided[] }

class Resolver {
  private readonly guesses = new Map<number, KeyOrder[] | undefined>()
  private readonly hubs = new Map<Level, { comp: Int32Array; hubOf: Map<KeyVersions, number> }>()
  private readonly bounds = new Map<number, Float64Array>()
  /** Per level, the variant of the first guess that avoided the cycles looked for so far. */
  private readonly variantAt = new Map<Level, number>()

  constructor(private readonly input: ResolveInput) {}

  /**
   * Whether a first guess, or one repaired, closes no cycle of the class at the
   * level. (Asked once, for the strongest class at the highest level: where the
   * repair fails, it would mostly fail again on the weaker classes below, and
   * the exact search decides those.)
   */
  guessAvoids(cls: CycleClass, level: Level): boolean {
    return this.failingScopes(cls, level).length === 0 || this.repaired(cls, level)
  }

  /**
   * Whether repairing a guess (guess-repair.ts) gives one that closes no
   * cycle of the class at the level; it then stands as the level's guess.
   * Registers: from the serial replay's guess first, then from the others.
   */
  private repaired(cls: CycleClass, level: Level): boolean {
    const variants = this.input.dataModel === 'rw-register' ? [SERIAL_REPLAY, 0, 1] : [this.variantAt.get(level) ?? 0]
    for (const variant of variants) {
      const base = this.guess(level, variant)
      if (!base) continue
      const guess = repairGuess({
        graph: this.input.graph,
        level,
        cls,
        guess: base,
        failing: (gs) => this.scopesOf(cls, level, gs),
        budget: this.input.budget(),
        rounds: REPAIR_ROUNDS,
        maxVersions: MAX_VERSIONS,
      })
      if (!guess) continue
      this.guesses.set(level * GUESS_SLOTS + REPAIRED, guess)
      this.variantAt.set(level, REPAIRED)
      return true
    }
    return false
  }

  decide(cls: CycleClass, level: Level): Decision {
    const failing = this.failingScopes(cls, level)
    if (failing.length === 0) return { kind: 'avoidable' }
    const { comp, hubOf } = this.hubComponents(level)
    const searched = new Set<number>()
    const anomalies: OpenAnomaly[] = []
    const undecided: Undecided[] = []
    // Transactions on a cycle the guess closed: the pairs among them are tried first.
    const suspect = new Uint8Array(this.input.txns.n)
    for (const scope of failing) for (const t of scope) suspect[t] = 1
    // The members and keys of each component to search, in one pass each.
    const membersOf = new Map<number, number[]>()
    const kvsOf = new Map<number, KeyVersions[]>()
    for (const scope of failing) {
      membersOf.set(comp[scope[0]!]!, [])
      kvsOf.set(comp[scope[0]!]!, [])
    }
    for (let t = 0; t < this.input.txns.n; t++) membersOf.get(comp[t]!)?.push(t)
    for (const [kv, hub] of hubOf) kvsOf.get(comp[hub]!)?.push(kv)
    for (const scope of failing) {
      const c = comp[scope[0]!]!
      if (searched.has(c)) continue
      searched.add(c)
      const members = membersOf.get(c)!
      const kvs = kvsOf.get(c)!
      const component = this.problem(Int32Array.from(members), kvs, level, suspect)
      const type = cycleName(cls, level)
      const sample = members.slice(0, 100).map((t) => this.input.txns.completeIndex[t]!)
      if (!component) {
        undecided.push({ type, size: members.length, sample, reason: `a component of ${members.length} transactions has too many writes in open order to search` })
        continue
      }
      const result = searchOrders(component.problem, cls, this.input.budget())
      if (result.kind === 'unavoidable') anomalies.push({ type, cls, level, component, proof: result.proof })
      else if (result.kind === 'unknown') {
        undecided.push({
          type,
          size: members.length,
          sample,
          reason: `the search over ${component.problem.pairs} pairs of writes in open order, in a component of ${members.length} transactions, ran out of budget`,
        })
      }
    }
    if (anomalies.length > 0) return { kind: 'unavoidable', anomalies }
    if (undecided.length > 0) return { kind: 'unknown', undecided }
    return { kind: 'avoidable' }
  }

  /**
   * Per transaction, a bound on when it committed, for the first guess of
   * register orders: its completion (ok, or info: a guess), and before whatever the known
   * edges say comes after it (a reader of any of its writes, above all, which
   * is what places an indeterminate writer). Each hop takes off a fraction of
   * a position, so a transaction comes before the one that bounds it. Computed
   * sinks first over the components of the known graph (their numbers
   * decrease along edges); a component takes its members' least bound.
   */
  private commitBound(variant: number): Float64Array {
    const cached = this.bounds.get(variant)
    if (cached) return cached
    const { txns, graph: g, comp } = this.input
    const n = txns.n
    const hop = 1 / (n + 1)
    let comps = 0
    for (let t = 0; t < n; t++) comps = Math.max(comps, comp[t]! + 1)
    // Members by component, counting sort.
    const start = new Int32Array(comps + 1)
    for (let t = 0; t < n; t++) start[comp[t]! + 1]!++
    for (let c = 0; c < comps; c++) start[c + 1]! += start[c]!
    const fill = start.slice(0, comps)
    const byComp = new Int32Array(n)
    for (let t = 0; t < n; t++) byComp[fill[comp[t]!]!++] = t
    const bound = new Float64Array(n)
    for (let c = 0; c < comps; c++) {
      let least = Infinity
      for (let i = start[c]!; i < start[c + 1]!; i++) {
        const t = byComp[i]!
        // An indeterminate transaction that committed most likely did so before its info reply.
        // Variant 1 counts only ok completions, for the histories where that guesses better.
        if (txns.completePos[t]! >= 0 && (variant === 0 || txns.type[t] === OK)) least = Math.min(least, txns.completePos[t]!)
        for (let pos = g.offsets[t]!; pos < g.offsets[t + 1]!; pos++) {
          const s = g.targets[pos]!
          if (comp[s] !== c) least = Math.min(least, bound[s]! - hop)
        }
      }
      for (let i = start[c]!; i < start[c + 1]!; i++) bound[byComp[i]!] = least
    }
    this.bounds.set(variant, bound)
    return bound
  }

  /** Each key's guessed order at the level (keys whose known order leaves nothing open are left out). */
  private guess(level: Level, variant = this.variantAt.get(level) ?? 0): KeyOrder[] | undefined {
    const slot = level * GUESS_SLOTS + variant
    if (this.guesses.has(slot)) return this.guesses.get(slot)
    const { txns, comp, dataModel, graph } = this.input
    // The serial replay gives no guess when the known edges are cyclic.
    const ranks = variant === SERIAL_REPLAY ? serialRanks(graph, level, this.input.open, this.commitBound(0)) : undefined
    if (variant === SERIAL_REPLAY && !ranks) {
      this.guesses.set(slot, undefined)
      return undefined
    }
    const g: KeyOrder[] = []
    for (const [k, kv] of this.input.open.entries()) {
      if (isSettled(kv, level)) continue
      let rank: (v: number) => number
      if (dataModel === 'list-append') {
        // Topological order of the known graph: then no guessed ww edge goes backwards between components.
        rank = (v) => -comp[kv.writer[v]!]! * (txns.n + 1) + kv.writer[v]!
      } else if (ranks) {
        const place = ranks[k]!
        rank = (v) => place[v]!
      } else {
        // The latest its writer can have committed (see commitBound), or any of its readers completed.
        const bound = this.commitBound(variant)
        rank = (v) => {
          let at = bound[kv.writer[v]!]!
          for (const r of kv.readers[v]!) at = Math.min(at, txns.completePos[r]!)
          return at
        }
      }
      const order = guessOrder(kv, level, rank)
      if (order) g.push({ kv, order })
    }
    this.guesses.set(slot, g)
    return g
  }

  /**
   * Sets of transactions, each inside one strongly connected component of the
   * known edges plus the guess's, where the guess's edges close a cycle of the class.
   */
  private failingScopes(cls: CycleClass, level: Level): Int32Array[] {
    const chosen = this.variantAt.get(level) ?? 0
    const failing = this.scopesFor(cls, level, chosen)!
    // Registers: other guesses, cheap beside a search, before giving up on the first.
    if (failing.length === 0 || this.input.dataModel === 'list-append') return failing
    for (let variant = chosen + 1; variant < REGISTER_GUESSES; variant++) {
      if (this.scopesFor(cls, level, variant)?.length !== 0) continue
      this.variantAt.set(level, variant)
      return []
    }
    return failing
  }

  /** Undefined when the variant has no guess (see guess). */
  private scopesFor(cls: CycleClass, level: Level, variant: number): Int32Array[] | undefined {
    const guess = this.guess(level, variant)
    return guess && this.scopesOf(cls, level, guess)
  }

  private scopesOf(cls: CycleClass, level: Level, guess: KeyOrder[]): Int32Array[] {
    const { graph: g, comp } = this.input
    const extra = new EdgeList(1024)
    for (const { kv, order } of guess) orderEdges(kv, order, (e) => extra.add(e.from, e.to, e.rel))
    if (extra.size === 0) return []
    // When every guessed edge runs forward in the known graph's topological order of
    // components (or inside one), cycles stay inside known components.
    let forward = true
    for (let i = 0; i < extra.size && forward; i++) if (comp[extra.src[i]!]! < comp[extra.dst[i]!]!) forward = false
    let groups: Int32Array[]
    if (forward) {
      const touched = new Set<number>()
      for (let i = 0; i < extra.size; i++) if (comp[extra.src[i]!] === comp[extra.dst[i]!]) touched.add(comp[extra.src[i]!]!)
      groups = groupBy(comp, touched)
    } else {
      const merged = new EdgeList(g.targets.length + extra.size + 1)
      copyEdges(g, level, merged)
      for (let i = 0; i < extra.size; i++) merged.add(extra.src[i]!, extra.dst[i]!, extra.rel[i]!)
      const mg = buildGraph(g.n, merged)
      const all = Int32Array.from({ length: g.n }, (_, i) => i)
      const cs = components(mg, { nodes: all, local: all }, { plain: 0xffff, rw: 0, doubled: false }, new Budget(Infinity, Infinity))
      const touched = new Set<number>()
      for (let i = 0; i < extra.size; i++) if (cs.comp[extra.src[i]!] === cs.comp[extra.dst[i]!]) touched.add(cs.comp[extra.src[i]!]!)
      groups = groupBy(cs.comp, touched)
    }
    const failing: Int32Array[] = []
    for (const members of groups) {
      if (members.length < 2) continue
      const local = localGraph(g, members, level, extra)
      const all = Int32Array.from({ length: members.length }, (_, i) => i)
      if (classCycle(local, { nodes: all, local: all }, cls, level, new Budget(Infinity, Infinity))) failing.push(members)
    }
    return failing
  }

  /**
   * Components of the known edges at the level plus, for each key with open
   * orders, a hub node that its versions' writers and readers lead to and that
   * leads to its writers: every edge an order could add is a path through the hub.
   */
  private hubComponents(level: Level): { comp: Int32Array; hubOf: Map<KeyVersions, number> } {
    let h = this.hubs.get(level)
    if (h) return h
    const { graph: g } = this.input
    const hubOf = new Map<KeyVersions, number>()
    for (const kv of this.input.open) if (!isSettled(kv, level)) hubOf.set(kv, g.n + hubOf.size)
    const edges = new EdgeList(g.targets.length + 1024)
    copyEdges(g, level, edges)
    for (const [kv, hub] of hubOf) {
      for (let v = 0; v < kv.writer.length; v++) {
        edges.add(kv.writer[v]!, hub, WW)
        edges.add(hub, kv.writer[v]!, WW)
        for (const r of kv.readers[v]!) edges.add(r, hub, WW)
      }
    }
    const n = g.n + hubOf.size
    const hg = buildGraph(n, edges)
    const all = Int32Array.from({ length: n }, (_, i) => i)
    const cs = components(hg, { nodes: all, local: all }, { plain: 0xffff, rw: 0, doubled: false }, new Budget(Infinity, Infinity))
    h = { comp: cs.comp, hubOf }
    this.hubs.set(level, h)
    return h
  }

  /** The exact search's problem for one component; undefined when it is too big to search. */
  private problem(members: Int32Array, kvs: KeyVersions[], level: Level, suspect: Uint8Array): OpenComponent | undefined {
    const { graph: g } = this.input
    const known = localGraph(g, members, level)
    const pairs: { kv: KeyVersions; u: number; v: number }[] = []
    const origins: SideOrigin[] = []
    const guessed = new Map((this.guess(level) ?? []).map(({ kv, order }) => [kv, order]))
    const all: { kv: KeyVersions; u: number; v: number; position: Int32Array }[] = []
    for (const kv of kvs) {
      const open = openPairs(kv, level, MAX_VERSIONS)
      if (!open) return undefined
      if (all.length + open.length > MAX_PAIRS) return undefined
      const position = new Int32Array(kv.writer.length)
      guessed.get(kv)?.forEach((v, i) => (position[v] = i))
      for (const [u, v] of open) all.push({ kv, u, v, position })
    }
    // Pairs whose writers both lie where the guess closed a cycle first: forcing starts where
    // a refutation is likeliest (the order changes nothing else).
    const both = (x: { kv: KeyVersions; u: number; v: number }): boolean => suspect[x.kv.writer[x.u]!]! === 1 && suspect[x.kv.writer[x.v]!]! === 1
    const ordered = [...all.filter(both), ...all.filter((x) => !both(x))]
    const local = localNumbers(g.n, members)
    const sides = new PairSides()
    for (const { kv, u, v, position } of ordered) {
      pairs.push({ kv, u, v })
      sides.add(kv, u, v, position[u]! < position[v]!, local, (e) => origins.push({ kv, before: e.before, after: e.after }))
    }
    const problem = sides.problem(known)
    releaseLocal(members)
    return { problem, members, origins, pairs }
  }
}

/** The known edges the level follows, into `out`. */
function copyEdges(g: Graph, level: Level, out: EdgeList): void {
  for (let v = 0; v < g.n; v++) {
    for (let pos = g.offsets[v]!; pos < g.offsets[v + 1]!; pos++) if (levelOf(g.rels[pos]!) <= level) out.add(v, g.targets[pos]!, g.rels[pos]!)
  }
}

// Each transaction's index in the members being worked on, else -1: one array, reset after each
// use (releaseLocal), so that many small components do not each pay for the whole history.
let scratch = new Int32Array(0)

function localNumbers(n: number, members: Int32Array): Int32Array {
  if (scratch.length < n) scratch = new Int32Array(n).fill(-1)
  for (let i = 0; i < members.length; i++) scratch[members[i]!] = i
  return scratch
}

function releaseLocal(members: Int32Array): void {
  for (let i = 0; i < members.length; i++) scratch[members[i]!] = -1
}

/** The known edges among `members` that the level follows (and `extra` edges among them), in local numbers. */
function localGraph(g: Graph, members: Int32Array, level: Level, extra?: EdgeList): Graph {
  const local = localNumbers(g.n, members)
  const edges = new EdgeList(64)
  for (let i = 0; i < members.length; i++) {
    const v = members[i]!
    for (let pos = g.offsets[v]!; pos < g.offsets[v + 1]!; pos++) {
      const w = local[g.targets[pos]!]!
      if (w >= 0 && levelOf(g.rels[pos]!) <= level) edges.add(i, w, g.rels[pos]!)
    }
  }
  if (extra) {
    for (let i = 0; i < extra.size; i++) {
      const a = local[extra.src[i]!]!
      const b = local[extra.dst[i]!]!
      if (a >= 0 && b >= 0) edges.add(a, b, extra.rel[i]!)
    }
  }
  releaseLocal(members)
  return buildGraph(members.length, edges)
}

/** The members of each component in `which`, by component number. */
function groupBy(comp: Int32Array, which: Set<number>): Int32Array[] {
  const groups = new Map<number, number[]>()
  for (const c of which) groups.set(c, [])
  for (let t = 0; t < comp.length; t++) groups.get(comp[t]!)?.push(t)
  return [...groups.values()].map((m) => Int32Array.from(m))
}
