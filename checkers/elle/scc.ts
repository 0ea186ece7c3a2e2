/**
 * Strongly connected components (Tarjan, iterative) and shortest paths over
 * a part of the dependency graph: the nodes of a scope, and only edges whose
 * relation is in a mask.
 *
 * "Doubled" mode walks a two-state graph to find cycles in which no two
 * anti-dependencies (rw) are adjacent, the cycles snapshot isolation forbids
 * (Cerone & Gotsman): node (v, 1) means "v was reached by an rw edge", and an
 * rw edge may only leave a node in state 0. A cycle of this graph is a cycle
 * of the dependency graph without adjacent rw edges, the wrap-around included,
 * and every such cycle appears in it. This keeps that search linear.
 */
import type { Graph } from './graph.js'

/** A budget of steps and time for one component's search. */
export class Budget {
  private spent = 0
  private readonly deadline: number
  constructor(
    private readonly steps: number,
    ms: number,
  ) {
    this.deadline = performance.now() + ms
  }
  /** Throws BudgetExceeded when the budget is spent. */
  spend(n: number): void {
    const before = this.spent
    this.spent += n
    if (this.spent > this.steps) throw new BudgetExceeded()
    // Reading the clock on the first step and every 4096 steps after keeps it cheap.
    if ((before === 0 || before >>> 12 !== this.spent >>> 12) && performance.now() > this.deadline) throw new BudgetExceeded()
  }
}

export class BudgetExceeded extends Error {
  constructor() {
    super('search budget exceeded')
    this.name = 'BudgetExceeded'
  }
}

/** The nodes a search may visit; `local[v]` is v's position in `nodes`, or -1 outside. */
export interface Scope {
  nodes: Int32Array
  local: Int32Array
}

/** Which edges a search follows. */
export interface Walk {
  /** Relations followed to state 0. */
  plain: number
  /** Relations followed from state 0 to state 1 (doubled mode only). */
  rw: number
  doubled: boolean
}

/** Component of each virtual node (local index << 1 | state in doubled mode, else local index). */
export interface Components {
  comp: Int32Array
  count: number
  size: Int32Array
}

/** The virtual node an edge leads to from virtual node x, or -1 when the walk does not follow it. */
function follow(g: Graph, scope: Scope, walk: Walk, state: number, pos: number): number {
  const lw = scope.local[g.targets[pos]!]!
  if (lw < 0) return -1
  const r = g.rels[pos]!
  if (walk.doubled) {
    if (r & walk.plain) return lw << 1
    if (r & walk.rw && state === 0) return (lw << 1) | 1
    return -1
  }
  return r & walk.plain ? lw : -1
}

export function components(g: Graph, scope: Scope, walk: Walk, budget: Budget): Components {
  const d = walk.doubled ? 1 : 0
  const V = scope.nodes.length << d
  const index = new Int32Array(V).fill(-1)
  const low = new Int32Array(V)
  const onStack = new Uint8Array(V)
  const stack = new Int32Array(V)
  const call = new Int32Array(V)
  const edgePos = new Int32Array(V)
  const comp = new Int32Array(V).fill(-1)
  const sizes: number[] = []
  let sp = 0
  let counter = 0
  for (let root = 0; root < V; root++) {
    if (index[root] !== -1) continue
    let csp = 0
    index[root] = low[root] = counter++
    stack[sp++] = root
    onStack[root] = 1
    call[csp++] = root
    edgePos[root] = g.offsets[scope.nodes[root >> d]!]!
    while (csp > 0) {
      const x = call[csp - 1]!
      const v = scope.nodes[x >> d]!
      const state = d ? x & 1 : 0
      const end = g.offsets[v + 1]!
      let pos = edgePos[x]!
      let pushed = false
      budget.spend(end - pos + 1)
      while (pos < end) {
        const y = follow(g, scope, walk, state, pos)
        pos++
        if (y < 0) continue
        if (index[y] === -1) {
          edgePos[x] = pos
          index[y] = low[y] = counter++
          stack[sp++] = y
          onStack[y] = 1
          call[csp++] = y
          edgePos[y] = g.offsets[scope.nodes[y >> d]!]!
          pushed = true
          break
        }
        if (onStack[y] && index[y]! < low[x]!) low[x] = index[y]!
      }
      if (pushed) continue
      edgePos[x] = pos
      if (low[x] === index[x]) {
        const c = sizes.length
        let size = 0
        let y: number
        do {
          y = stack[--sp]!
          onStack[y] = 0
          comp[y] = c
          size++
        } while (y !== x)
        sizes.push(size)
      }
      csp--
      if (csp > 0) {
        const parent = call[csp - 1]!
        if (low[x]! < low[parent]!) low[parent] = low[x]!
      }
    }
  }
  return { comp, count: sizes.length, size: Int32Array.from(sizes) }
}

/**
 * The shortest path from virtual node `from` to virtual node `to` that stays
 * inside component `c` of `comps`, as CSR edge positions; undefined if none.
 */
export function shortestPath(
  g: Graph,
  scope: Scope,
  walk: Walk,
  comps: Components,
  from: number,
  to: number,
  budget: Budget,
): number[] | undefined {
  const d = walk.doubled ? 1 : 0
  const c = comps.comp[from]!
  const V = scope.nodes.length << d
  const viaEdge = new Int32Array(V).fill(-1)
  const prev = new Int32Array(V).fill(-1)
  const seen = new Uint8Array(V)
  const queue = new Int32Array(V)
  let head = 0
  let tail = 0
  queue[tail++] = from
  seen[from] = 1
  while (head < tail) {
    const x = queue[head++]!
    if (x === to) break
    const v = scope.nodes[x >> d]!
    const state = d ? x & 1 : 0
    const end = g.offsets[v + 1]!
    budget.spend(end - g.offsets[v]! + 1)
    for (let pos = g.offsets[v]!; pos < end; pos++) {
      const y = follow(g, scope, walk, state, pos)
      if (y < 0 || seen[y] || comps.comp[y] !== c) continue
      seen[y] = 1
      viaEdge[y] = pos
      prev[y] = x
      queue[tail++] = y
    }
  }
  if (!seen[to]) return undefined
  const path: number[] = []
  for (let x = to; x !== from; x = prev[x]!) path.push(viaEdge[x]!)
  return path.reverse()
}
