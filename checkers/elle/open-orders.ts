/**
 * Orders of writes that the history leaves open.
 *
 * In any execution the committed writes of a key have one order (the version
 * order). Inference fixes part of it: for lists every append some read
 * observed, but not the order of appends after the longest read; for
 * registers the initial state, writes-follow-reads and a transaction's own
 * writes, and process or real-time order where a model brings them. Any total
 * order extending the known part is a possible execution, and each gives its
 * own ww and rw edges: when u comes right before v, ww from u's writer to v's
 * writer and rw from each reader of u to v's writer.
 *
 * This module holds, per key, the versions whose order may be open, what is
 * known of their order (and from which level on), and the edges an order, or
 * one side of a pair, gives. Versions of transactions that may not have
 * committed (indeterminate, and nothing they wrote was read) are left out:
 * they have no outgoing edge, so they can always go last, or not happen.
 */
import type { Level } from './anomalies.js'
import type { EdgeExplainer } from './explain.js'
import { RW, WW, type Graph } from './graph.js'
import type { SearchProblem } from './order-search.js'

/** What a data model's analysis gives the check besides edges: how to explain an edge, and the open orders. */
export interface Analysis {
  explain: EdgeExplainer
  open: KeyVersions[]
}

/** The versions of one key whose order may be open. */
export interface KeyVersions {
  /** Key id. */
  key: number
  /** Per version: the transaction that wrote it. */
  writer: number[]
  /** Per version: the value written (list-append: the first and last of the transaction's unread appends). */
  first: unknown[]
  last: unknown[]
  /** Per version: the committed transactions whose external read returned it. */
  readers: number[][]
  /** Known order: version `known[i][0]` comes before `known[i][1]`, known at level `known[i][2]` and above. */
  known: [number, number, Level][]
}

/** Where an edge of an order comes from, for explanations: key, the version before, the version after. */
export interface OrderEdge {
  from: number
  to: number
  rel: number
  /** Version indexes in the key's KeyVersions: `before` comes right before `after` (or, for a pair, before it). */
  before: number
  after: number
}

/** Successors of each version by the known order at `level` (and `extra` orders: u before v). */
function successors(kv: KeyVersions, level: Level, extra: readonly (readonly [number, number])[] = []): number[][] {
  const succ: number[][] = kv.writer.map(() => [])
  for (const [u, v, l] of kv.known) if (l <= level) succ[u]!.push(v)
  for (const [u, v] of extra) succ[u]!.push(v)
  return succ
}

/**
 * A total order of the versions that extends the known order at `level` (and
 * `extra` orders), taking the smallest `rank` first where they leave a choice;
 * undefined when they are cyclic.
 */
export function guessOrder(kv: KeyVersions, level: Level, rank: (v: number) => number, extra?: readonly (readonly [number, number])[]): number[] | undefined {
  const m = kv.writer.length
  const succ = successors(kv, level, extra)
  const indegree = new Int32Array(m)
  for (const s of succ) for (const v of s) indegree[v]!++
  const ready: number[] = []
  for (let v = 0; v < m; v++) if (indegree[v] === 0) ready.push(v)
  const out: number[] = []
  const before = (a: number, b: number): boolean => rank(a) < rank(b) || (rank(a) === rank(b) && a < b)
  while (ready.length > 0) {
    // The few versions of a key make a linear scan for the smallest enough.
    let best = 0
    for (let i = 1; i < ready.length; i++) if (before(ready[i]!, ready[best]!)) best = i
    const u = ready[best]!
    ready[best] = ready[ready.length - 1]!
    ready.pop()
    out.push(u)
    for (const v of succ[u]!) if (--indegree[v]! === 0) ready.push(v)
  }
  return out.length === m ? out : undefined
}

/**
 * Whether the known order at `level` leaves nothing open: it is total, or
 * cyclic (a write cycle the graph already shows, in every execution).
 */
export function isSettled(kv: KeyVersions, level: Level): boolean {
  const m = kv.writer.length
  if (m < 2) return true
  const succ = successors(kv, level)
  const indegree = new Int32Array(m)
  for (const s of succ) for (const v of s) indegree[v]!++
  const ready: number[] = []
  for (let v = 0; v < m; v++) if (indegree[v] === 0) ready.push(v)
  while (ready.length > 0) {
    // Two versions ready at once: neither is known to come first.
    if (ready.length > 1) return false
    const u = ready.pop()!
    for (const v of succ[u]!) if (--indegree[v]! === 0) ready.push(v)
  }
  return true
}

/** The ww and rw edges of a total order of the versions: each version and the next. */
export function orderEdges(kv: KeyVersions, order: readonly number[], push: (e: OrderEdge) => void): void {
  for (let i = 0; i + 1 < order.length; i++) sideEdges(kv, order[i]!, order[i + 1]!, push)
}

/**
 * The edges of "u comes before v" (as the next version, or later: the extra
 * edges of a later version are implied by the versions between, so they never
 * change which kinds of cycle exist).
 */
export function sideEdges(kv: KeyVersions, u: number, v: number, push: (e: OrderEdge) => void): void {
  const wv = kv.writer[v]!
  if (kv.writer[u] !== wv) push({ from: kv.writer[u]!, to: wv, rel: WW, before: u, after: v })
  for (const r of kv.readers[u]!) if (r !== wv) push({ from: r, to: wv, rel: RW, before: u, after: v })
}

/**
 * Pairs of versions, of different writers, whose order the known order at
 * `level` leaves open: [u, v] with u < v as indexes. Undefined when the key has
 * more versions than `maxVersions` (the closure is quadratic).
 */
export function openPairs(kv: KeyVersions, level: Level, maxVersions: number): [number, number][] | undefined {
  const m = kv.writer.length
  if (m > maxVersions) return undefined
  const succ = successors(kv, level)
  const words = (m + 31) >>> 5
  // reach[u]: the versions known to come after u (bitset), filled in reverse topological order.
  const reach = new Uint32Array(m * words)
  const order = guessOrder(kv, level, (v) => v)
  if (!order) return []
  for (let i = m - 1; i >= 0; i--) {
    const u = order[i]!
    for (const v of succ[u]!) {
      reach[u * words + (v >>> 5)]! |= 1 << (v & 31)
      for (let w = 0; w < words; w++) reach[u * words + w]! |= reach[v * words + w]!
    }
  }
  const has = (a: number, b: number): boolean => (reach[a * words + (b >>> 5)]! & (1 << (b & 31))) !== 0
  const pairs: [number, number][] = []
  for (let u = 0; u < m; u++) {
    for (let v = u + 1; v < m; v++) {
      if (kv.writer[u] === kv.writer[v] || has(u, v) || has(v, u)) continue
      pairs.push([u, v])
    }
  }
  return pairs
}

/**
 * The pairs of an exact search's problem (order-search.ts), added one at a
 * time: pair c's side 2c puts u before v, side 2c + 1 v before u, each with
 * its edges in the problem's local numbers.
 */
export class PairSides {
  private readonly sideStart: number[] = [0]
  private readonly sideFrom: number[] = []
  private readonly sideTo: number[] = []
  private readonly sideRel: number[] = []
  private readonly prefer: number[] = []

  /**
   * `local`: each transaction's local number, or -1 outside the problem (an
   * edge leaving it is never on one of its cycles, and is left out). `onEdge`
   * hears each edge kept, in order.
   */
  add(kv: KeyVersions, u: number, v: number, uFirst: boolean, local: Int32Array, onEdge?: (e: OrderEdge) => void): void {
    this.prefer.push(uFirst ? 0 : 1)
    for (const [a, b] of [
      [u, v],
      [v, u],
    ] as const) {
      sideEdges(kv, a, b, (e) => {
        const from = local[e.from]!
        const to = local[e.to]!
        if (from < 0 || to < 0) return
        this.sideFrom.push(from)
        this.sideTo.push(to)
        this.sideRel.push(e.rel)
        onEdge?.(e)
      })
      this.sideStart.push(this.sideFrom.length)
    }
  }

  /** The problem over `known`, the edges that hold whatever the pairs' order (in local numbers). */
  problem(known: Graph): SearchProblem {
    return {
      n: known.n,
      offsets: known.offsets,
      targets: known.targets,
      rels: known.rels,
      pairs: this.prefer.length,
      sideStart: Int32Array.from(this.sideStart),
      sideFrom: Int32Array.from(this.sideFrom),
      sideTo: Int32Array.from(this.sideTo),
      sideRel: Uint16Array.from(this.sideRel),
      prefer: Uint8Array.from(this.prefer),
    }
  }
}
