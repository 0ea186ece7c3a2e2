/**
 * The dependency graph: transactions are nodes 0..n-1, and each edge carries
 * exactly one relation bit (two relations between the same pair are two
 * edges). Built as an edge list, then packed into compressed sparse rows.
 */

export const WW = 1
export const WR = 2
export const RW = 4
export const PROCESS = 8
export const REALTIME = 16
/** ww / rw edges from a register version order known only from process order. */
export const WW_PROCESS = 32
export const RW_PROCESS = 64
/** ww / rw edges from a register version order known only from real-time order. */
export const WW_REALTIME = 128
export const RW_REALTIME = 256

/** Relations a cycle may use at each level (0: data only, 1: + process, 2: + real time). */
export const NON_RW: readonly number[] = [WW | WR, WW | WR | PROCESS | WW_PROCESS, WW | WR | PROCESS | WW_PROCESS | REALTIME | WW_REALTIME]
export const RW_AT: readonly number[] = [RW, RW | RW_PROCESS, RW | RW_PROCESS | RW_REALTIME]
/** Relations of a write cycle (G0) at each level. */
export const WW_AT: readonly number[] = [WW, WW | PROCESS | WW_PROCESS, WW | PROCESS | WW_PROCESS | REALTIME | WW_REALTIME]
export const ANY_RW = RW | RW_PROCESS | RW_REALTIME
export const ANY_WR = WR

/** The level an edge needs. */
export function levelOf(rel: number): 0 | 1 | 2 {
  if (rel & (REALTIME | WW_REALTIME | RW_REALTIME)) return 2
  if (rel & (PROCESS | WW_PROCESS | RW_PROCESS)) return 1
  return 0
}

/** Growable columns of edges. */
export class EdgeList {
  src: Int32Array
  dst: Int32Array
  rel: Uint16Array
  size = 0

  constructor(capacity = 1024) {
    this.src = new Int32Array(capacity)
    this.dst = new Int32Array(capacity)
    this.rel = new Uint16Array(capacity)
  }

  add(a: number, b: number, rel: number): void {
    if (a === b) return
    if (this.size === this.src.length) this.grow()
    this.src[this.size] = a
    this.dst[this.size] = b
    this.rel[this.size] = rel
    this.size++
  }

  private grow(): void {
    const cap = this.src.length * 2
    const src = new Int32Array(cap)
    const dst = new Int32Array(cap)
    const rel = new Uint16Array(cap)
    src.set(this.src)
    dst.set(this.dst)
    rel.set(this.rel)
    this.src = src
    this.dst = dst
    this.rel = rel
  }
}

/** Compressed sparse rows: the out-edges of v are targets[offsets[v]..offsets[v+1]). */
export interface Graph {
  n: number
  offsets: Int32Array
  targets: Int32Array
  rels: Uint16Array
}

export function buildGraph(n: number, edges: EdgeList): Graph {
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i < edges.size; i++) offsets[edges.src[i]! + 1]!++
  for (let v = 0; v < n; v++) offsets[v + 1]! += offsets[v]!
  const fill = offsets.slice(0, n)
  const targets = new Int32Array(edges.size)
  const rels = new Uint16Array(edges.size)
  for (let i = 0; i < edges.size; i++) {
    const at = fill[edges.src[i]!]!++
    targets[at] = edges.dst[i]!
    rels[at] = edges.rel[i]!
  }
  return { n, offsets, targets, rels }
}
