/**
 * The exact search over the open orders of one component: does some choice of
 * them avoid every cycle of a class (the cycles a model forbids), given the
 * edges that hold in every execution? Cobra (OSDI'20) and PolySI (PVLDB 2023)
 * frame it as a polygraph: known edges, plus constraints "either these edges
 * or those".
 *
 * Each pair of versions whose order is open is a constraint with two sides,
 * "u before v" and "v before u", each a set of edges. A side that would close a
 * cycle of the class with the edges already there is impossible, so the other
 * side is forced; forcing adds edges, which may force more, up to a fixpoint.
 * A pair still open is then decided both ways in turn (backtracking), the first
 * guess's way first. A branch whose refutation does not use its decision
 * refutes the parent as well (backjumping), so independent parts of a
 * component do not multiply.
 *
 * The answer is a choice that avoids the class, or a proof that every choice
 * closes a cycle of it: a tree whose splits are pairs tried both ways and
 * whose leaves are cycles, each with the forced orders it uses and the cycle
 * that forced each. A budget of steps and time bounds the search.
 */
import type { CycleBase } from './anomalies.js'
import { ANY_RW } from './graph.js'
import { BudgetExceeded, type Budget } from './scc.js'

/** The classes of cycles a model forbids, by the weakest shape they name. */
export type CycleClass = Extract<CycleBase, 'G-single-item' | 'G-nonadjacent-item' | 'G2-item'>

/**
 * One component's problem, in local transaction numbers 0..n-1. Known edges as
 * compressed rows (only the relations the level follows). Pair c has sides 2c
 * ("u before v") and 2c + 1 ("v before u"); side s's edges are
 * sideFrom/sideTo/sideRel[sideStart[s] .. sideStart[s + 1]).
 */
export interface SearchProblem {
  n: number
  offsets: Int32Array
  targets: Int32Array
  rels: Uint16Array
  pairs: number
  sideStart: Int32Array
  sideFrom: Int32Array
  sideTo: Int32Array
  sideRel: Uint16Array
  /** The side (0 or 1) of each pair to try first. */
  prefer: Uint8Array
}

/** An edge of a cycle the search found: known (side -1), or the side edge `edge` of side `side`. */
export interface SearchStep {
  from: number
  to: number
  rel: number
  side: number
  edge: number
}

/** A pair forced to `side`, because its other side closes `because`. */
export interface ForcedOrder {
  side: number
  because: SearchStep[]
}

/**
 * Why every choice closes a cycle of the class. A leaf is a cycle; its side
 * edges belong to pairs decided by the splits above it, to forced pairs (in
 * `forced`, in the order they were forced), or, in a split's own leaves, to
 * that split's pair. `deps`: the decisions it rests on.
 */
export type Proof =
  | { kind: 'cycle'; steps: SearchStep[]; forced: ForcedOrder[]; deps: number[] }
  /** Pair `pair` either way: cases[0] with side 2·pair, cases[1] with side 2·pair + 1. */
  | { kind: 'split'; pair: number; cases: [Proof, Proof]; deps: number[] }

/** Avoidable: `assign` holds the side (0 or 1) each pair took in the choice found. */
export type SearchResult = { kind: 'avoidable'; assign: Int8Array } | { kind: 'unavoidable'; proof: Proof } | { kind: 'unknown' }

/**
 * Walks that close a cycle of each class, as automata over "was the edge an
 * anti-dependency": the state after each edge, -1 where the walk may not go.
 * G2: any cycle. G-nonadjacent: state 1 after an rw edge, from which another rw
 * may not follow. G-single: state 1 once one rw was used; no second.
 */
const STATES: Record<CycleClass, number> = { 'G2-item': 1, 'G-nonadjacent-item': 2, 'G-single-item': 2 }

function step(cls: CycleClass, state: number, rw: boolean): number {
  if (cls === 'G2-item') return 0
  if (rw) return state === 0 ? 1 : -1
  return cls === 'G-nonadjacent-item' ? 0 : state
}

/** A cycle through side edge a -> b, back from b to a arriving in `state`: is it of the class? */
function accepts(cls: CycleClass, sideRw: boolean, state: number): boolean {
  // Snapshot isolation's cycles also wrap around: an rw side edge may not follow an rw edge.
  return cls !== 'G-nonadjacent-item' || !sideRw || state === 0
}

export function searchOrders(p: SearchProblem, cls: CycleClass, budget: Budget): SearchResult {
  try {
    return new OrderSearch(p, cls, budget).run()
  } catch (e) {
    if (e instanceof BudgetExceeded) return { kind: 'unknown' }
    throw e
  }
}

/**
 * One choice of the open orders, made pair by pair without going back: the
 * preferred side unless it closes a cycle of the class with what is there,
 * else the other; undefined when both close one (the exact search may still
 * find a way) or the budget runs out. Linear in the pairs, where the exact
 * search's forcing is quadratic.
 */
export function greedyOrders(p: SearchProblem, cls: CycleClass, budget: Budget): Int8Array | undefined {
  try {
    return new OrderSearch(p, cls, budget).greedy()
  } catch (e) {
    if (e instanceof BudgetExceeded) return undefined
    throw e
  }
}

class OrderSearch {
  private readonly S: number
  // Side edges added so far, as linked lists from each node, undone last in first out.
  private readonly head: Int32Array
  private readonly dynNext: Int32Array
  private readonly dynEdge: Int32Array
  private dynCount = 0
  private readonly assign: Int8Array
  private readonly trailPos: Int32Array
  private readonly deps: (number[] | undefined)[]
  private readonly because: (SearchStep[] | undefined)[]
  private readonly trail: number[] = []
  // Breadth-first search scratch, over virtual nodes (node * S + state).
  private readonly seen: Int32Array
  private readonly prevNode: Int32Array
  private readonly prevEdge: Int32Array
  private readonly queue: Int32Array
  private readonly isTarget: Int32Array
  private generation = 0

  constructor(
    private readonly p: SearchProblem,
    private readonly cls: CycleClass,
    private readonly budget: Budget,
  ) {
    this.S = STATES[cls]
    const V = p.n * this.S
    const sideEdges = p.sideStart[2 * p.pairs]!
    this.head = new Int32Array(p.n).fill(-1)
    this.dynNext = new Int32Array(sideEdges + 1)
    this.dynEdge = new Int32Array(sideEdges + 1)
    this.assign = new Int8Array(p.pairs).fill(-1)
    this.trailPos = new Int32Array(p.pairs)
    this.deps = new Array<number[] | undefined>(p.pairs)
    this.because = new Array<SearchStep[] | undefined>(p.pairs)
    this.seen = new Int32Array(V)
    this.prevNode = new Int32Array(V)
    this.prevEdge = new Int32Array(V)
    this.queue = new Int32Array(V)
    this.isTarget = new Int32Array(p.n)
  }

  run(): SearchResult {
    // Decisions on the way down: the pair, the trail length before it, the side tried first, and the first case's proof.
    const frames: { pair: number; mark: number; first: number; firstProof?: Proof }[] = []
    for (;;) {
      let proof = this.propagate()
      if (!proof) {
        const c = this.pick()
        if (c < 0) return { kind: 'avoidable', assign: Int8Array.from(this.assign) }
        frames.push({ pair: c, mark: this.trail.length, first: this.p.prefer[c]! })
        this.decide(c, this.p.prefer[c]!)
        continue
      }
      // Back up with a refutation until a decision has a side left to try.
      for (;;) {
        const f = frames[frames.length - 1]
        if (!f) return { kind: 'unavoidable', proof }
        this.undo(f.mark)
        if (!proof.deps.includes(f.pair)) {
          // The refutation holds whatever this pair's order: it refutes the parent too.
          frames.pop()
          continue
        }
        if (f.firstProof === undefined) {
          f.firstProof = proof
          this.decide(f.pair, 1 - f.first)
          break
        }
        frames.pop()
        const deps: number[] = union([f.firstProof.deps, proof.deps]).filter((d) => d !== f.pair)
        const cases: [Proof, Proof] = f.first === 0 ? [f.firstProof, proof] : [proof, f.firstProof]
        proof = { kind: 'split', pair: f.pair, cases, deps }
      }
    }
  }

  greedy(): Int8Array | undefined {
    for (let c = 0; c < this.p.pairs; c++) {
      const first = this.p.prefer[c]!
      if (!this.closes(2 * c + first)) this.add(c, first)
      else if (!this.closes(2 * c + 1 - first)) this.add(c, 1 - first)
      else return undefined
    }
    return Int8Array.from(this.assign)
  }

  /** Forces every pair one of whose sides closes a cycle, to a fixpoint; a refutation if some pair has neither side left. */
  private propagate(): Proof | undefined {
    for (;;) {
      let changed = false
      for (let c = 0; c < this.p.pairs; c++) {
        if (this.assign[c]! >= 0) continue
        const first = this.closes(2 * c)
        const second = this.closes(2 * c + 1)
        if (first && second) {
          const cases: [Proof, Proof] = [this.leaf(first), this.leaf(second)]
          return { kind: 'split', pair: c, cases, deps: union([cases[0].deps, cases[1].deps]) }
        }
        if (first) this.force(c, 1, first)
        else if (second) this.force(c, 0, second)
        else continue
        changed = true
      }
      if (!changed) return undefined
    }
  }

  private pick(): number {
    for (let c = 0; c < this.p.pairs; c++) if (this.assign[c]! < 0) return c
    return -1
  }

  private decide(c: number, side: number): void {
    this.deps[c] = [c]
    this.add(c, side)
  }

  private force(c: number, side: number, because: SearchStep[]): void {
    this.deps[c] = this.depsOf(because)
    this.because[c] = because
    this.add(c, side)
  }

  private add(c: number, side: number): void {
    this.assign[c] = side
    this.trailPos[c] = this.trail.length
    this.trail.push(c)
    this.pushSide(2 * c + side)
  }

  private undo(mark: number): void {
    while (this.trail.length > mark) {
      const c = this.trail.pop()!
      this.popSide(2 * c + this.assign[c]!)
      this.assign[c] = -1
      this.deps[c] = undefined
      this.because[c] = undefined
    }
  }

  private pushSide(s: number): void {
    const { sideStart, sideFrom } = this.p
    for (let e = sideStart[s]!; e < sideStart[s + 1]!; e++) {
      const d = this.dynCount++
      this.dynEdge[d] = e
      this.dynNext[d] = this.head[sideFrom[e]!]!
      this.head[sideFrom[e]!] = d
    }
  }

  private popSide(s: number): void {
    const { sideStart, sideFrom } = this.p
    for (let i = sideStart[s]!; i < sideStart[s + 1]!; i++) {
      const d = --this.dynCount
      this.head[sideFrom[this.dynEdge[d]!]!] = this.dynNext[d]!
    }
  }

  /** The decisions a cycle rests on: those of the pairs whose sides it uses (a pair not yet taken adds none). */
  private depsOf(steps: SearchStep[]): number[] {
    const lists: number[][] = []
    for (const s of steps) {
      if (s.side < 0) continue
      const d = this.assign[s.side >> 1] === (s.side & 1) ? this.deps[s.side >> 1] : undefined
      if (d) lists.push(d)
    }
    return union(lists)
  }

  /** A cycle as a proof's leaf, with every forced order it uses, directly or through another forced order's cycle. */
  private leaf(steps: SearchStep[]): Proof {
    const used = new Set<number>()
    const visit = (cycle: SearchStep[]): void => {
      for (const s of cycle) {
        const c = s.side >> 1
        if (s.side < 0 || this.assign[c] !== (s.side & 1) || used.has(c) || !this.because[c]) continue
        used.add(c)
        visit(this.because[c]!)
      }
    }
    visit(steps)
    const forced = [...used]
      .sort((a, b) => this.trailPos[a]! - this.trailPos[b]!)
      .map((c) => ({ side: 2 * c + this.assign[c]!, because: this.because[c]! }))
    return { kind: 'cycle', steps, forced, deps: this.depsOf(steps) }
  }

  /**
   * Whether side s, added to the edges there now, closes a cycle of the class
   * through one of its edges: the cycle (the side edge first), or undefined.
   */
  private closes(s: number): SearchStep[] | undefined {
    const { sideStart, sideTo, sideRel } = this.p
    const start = sideStart[s]!
    const end = sideStart[s + 1]!
    if (start === end) return undefined
    this.pushSide(s)
    try {
      // One walk per end and kind of side edge (a pair's side edges all end at the later version's writer).
      const walked: number[] = []
      for (let e = start; e < end; e++) {
        const rw = (sideRel[e]! & ANY_RW) !== 0
        const key = 2 * sideTo[e]! + (rw ? 1 : 0)
        if (walked.includes(key)) continue
        walked.push(key)
        const found = this.walkBack(s, rw, sideTo[e]!)
        if (found) return found
      }
      return undefined
    } finally {
      this.popSide(s)
    }
  }

  /**
   * Breadth-first from `to` (in the state after a side edge of kind `rw`) back
   * to a source of such a side edge of s that ends at `to`; the cycle, or undefined.
   */
  private walkBack(s: number, rw: boolean, to: number): SearchStep[] | undefined {
    const { sideStart, sideFrom, sideTo, sideRel, offsets, targets, rels } = this.p
    const S = this.S
    const gen = ++this.generation
    const sideEdgeFrom = new Map<number, number>()
    for (let e = sideStart[s]!; e < sideStart[s + 1]!; e++) {
      if (((sideRel[e]! & ANY_RW) !== 0) !== rw || sideTo[e] !== to) continue
      this.isTarget[sideFrom[e]!] = gen
      sideEdgeFrom.set(sideFrom[e]!, e)
    }
    const startState = this.cls === 'G2-item' ? 0 : rw ? 1 : 0
    const origin = to * S + startState
    let head = 0
    let tail = 0
    this.queue[tail++] = origin
    this.seen[origin] = gen
    this.prevNode[origin] = -1
    while (head < tail) {
      const x = this.queue[head++]!
      const v = (x / S) | 0
      const state = x - v * S
      if (x !== origin && this.isTarget[v] === gen && accepts(this.cls, rw, state)) return this.cycle(sideEdgeFrom.get(v)!, s, x)
      const end = offsets[v + 1]!
      this.budget.spend(end - offsets[v]! + 1)
      for (let pos = offsets[v]!; pos < end; pos++) {
        const ns = step(this.cls, state, (rels[pos]! & ANY_RW) !== 0)
        if (ns < 0) continue
        const y = targets[pos]! * S + ns
        if (this.seen[y] === gen) continue
        this.seen[y] = gen
        this.prevNode[y] = x
        this.prevEdge[y] = pos
        this.queue[tail++] = y
      }
      for (let d = this.head[v]!; d >= 0; d = this.dynNext[d]!) {
        const e = this.dynEdge[d]!
        this.budget.spend(1)
        const ns = step(this.cls, state, (sideRel[e]! & ANY_RW) !== 0)
        if (ns < 0) continue
        const y = sideTo[e]! * S + ns
        if (this.seen[y] === gen) continue
        this.seen[y] = gen
        this.prevNode[y] = x
        this.prevEdge[y] = -(e + 1)
        this.queue[tail++] = y
      }
    }
    return undefined
  }

  /** The side edge e (of side s) and the walk back to its source, ending at virtual node x. */
  private cycle(e: number, s: number, x: number): SearchStep[] {
    const { sideFrom, sideTo, sideRel, sideStart, targets, rels } = this.p
    const S = this.S
    const back: SearchStep[] = []
    for (let y = x; this.prevNode[y]! >= 0; y = this.prevNode[y]!) {
      const pe = this.prevEdge[y]!
      const from = (this.prevNode[y]! / S) | 0
      if (pe >= 0) back.push({ from, to: targets[pe]!, rel: rels[pe]!, side: -1, edge: -1 })
      else {
        const se = -pe - 1
        back.push({ from, to: sideTo[se]!, rel: sideRel[se]!, side: sideOf(sideStart, se, s), edge: se })
      }
    }
    back.reverse()
    return [{ from: sideFrom[e]!, to: sideTo[e]!, rel: sideRel[e]!, side: s, edge: e }, ...back]
  }
}

/** The side a side edge belongs to (binary search over sideStart); `hint` is checked first. */
function sideOf(sideStart: Int32Array, e: number, hint: number): number {
  if (sideStart[hint]! <= e && e < sideStart[hint + 1]!) return hint
  let lo = 0
  let hi = sideStart.length - 2
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (sideStart[mid]! <= e) lo = mid
    else hi = mid - 1
  }
  return lo
}

function union(lists: number[][]): number[] {
  if (lists.length === 0) return []
  if (lists.length === 1) return lists[0]!
  return [...new Set(lists.flat())].sort((a, b) => a - b)
}
