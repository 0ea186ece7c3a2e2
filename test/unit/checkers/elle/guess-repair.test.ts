// Repairing a guess of open orders: the versions on the guess's cycle are
// reopened and searched, the new guess is checked again, and a cycle every
// order closes leaves the repair without an answer (never a wrong one).
import { describe, expect, it } from 'vitest'
import { buildGraph, EdgeList, WR, type Graph } from '../../../../checkers/elle/graph.js'
import { repairGuess, type KeyOrder } from '../../../../checkers/elle/guess-repair.js'
import { orderEdges, type KeyVersions } from '../../../../checkers/elle/open-orders.js'
import { Budget } from '../../../../checkers/elle/scc.js'

function graph(n: number, edges: [number, number, number][]): Graph {
  const list = new EdgeList(2)
  for (const [a, b, r] of edges) list.add(a, b, r)
  return buildGraph(n, list)
}

const key = (writer: number[], readers: number[][]): KeyVersions => ({ key: 0, writer, first: writer.map((_, v) => v), last: writer.map((_, v) => v), readers, known: [] })

/** The whole graph as one failing component when the known edges plus the guess's have a cycle (any cycle: G2-item). */
function failing(g: Graph) {
  return (guess: KeyOrder[]): Int32Array[] => {
    const succ: number[][] = Array.from({ length: g.n }, (_, v) => Array.from(g.targets.subarray(g.offsets[v]!, g.offsets[v + 1]!)))
    for (const { kv, order } of guess) orderEdges(kv, order, (e) => succ[e.from]!.push(e.to))
    const state = new Uint8Array(g.n)
    const cyclic = (v: number): boolean => {
      state[v] = 1
      for (const w of succ[v]!) if (state[w] === 1 || (state[w] === 0 && cyclic(w))) return true
      state[v] = 2
      return false
    }
    for (let v = 0; v < g.n; v++) if (state[v] === 0 && cyclic(v)) return [Int32Array.from({ length: g.n }, (_, i) => i)]
    return []
  }
}

const repair = (g: Graph, guess: KeyOrder[]) =>
  repairGuess({ graph: g, level: 0, cls: 'G2-item', guess, failing: failing(g), budget: new Budget(Infinity, Infinity), rounds: 4, maxVersions: 64 })

describe('repairGuess', () => {
  it('reorders the versions on the cycle the guess closed', () => {
    // T0 wrote a, T1 wrote b, T2 read a and read T1's write of another key (T1 -wr-> T2).
    // a then b: T2 -rw-> T1 -wr-> T2. b then a closes nothing.
    const g = graph(3, [[1, 2, WR]])
    const kv = key([0, 1], [[2], []])
    const repaired = repair(g, [{ kv, order: [0, 1] }])
    expect(repaired?.[0]?.order).toEqual([1, 0])
  })

  it('returns the guess as it is when it closes no cycle', () => {
    const g = graph(3, [[1, 2, WR]])
    const guess = [{ kv: key([0, 1], [[2], []]), order: [1, 0] }]
    expect(repair(g, guess)).toBe(guess)
  })

  it('has no answer when every order closes a cycle', () => {
    // As above, and T0 -wr-> T1 as well: b then a gives T1 -ww-> T0 -wr-> T1.
    const g = graph(3, [[1, 2, WR], [0, 1, WR]])
    const kv = key([0, 1], [[2], []])
    expect(repair(g, [{ kv, order: [0, 1] }])).toBeUndefined()
  })

  it('keeps an order the history fixes: a known version order is not reopened against itself', () => {
    // a is known to come before b (say, T1 read a before writing b); T2 read a and T1 -wr-> T2: every order closes a cycle.
    const g = graph(3, [[1, 2, WR]])
    const kv: KeyVersions = { ...key([0, 1], [[2], []]), known: [[0, 1, 0]] }
    expect(repair(g, [{ kv, order: [0, 1] }])).toBeUndefined()
  })
})
