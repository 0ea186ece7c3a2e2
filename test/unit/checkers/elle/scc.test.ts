// Components and shortest paths over parts of the graph, the two-state walk
// that finds cycles without adjacent anti-dependencies, and the budget.
import { describe, expect, it } from 'vitest'
import { buildGraph, EdgeList, RW, WR, WW, type Graph } from '../../../../checkers/elle/graph.js'
import { Budget, BudgetExceeded, components, shortestPath, type Scope, type Walk } from '../../../../checkers/elle/scc.js'

function graph(n: number, edges: [number, number, number][]): Graph {
  const list = new EdgeList(2)
  for (const [a, b, r] of edges) list.add(a, b, r)
  return buildGraph(n, list)
}
const everything = (n: number): Scope => {
  const all = Int32Array.from({ length: n }, (_, i) => i)
  return { nodes: all, local: all }
}
const free = (): Budget => new Budget(Infinity, Infinity)

describe('components', () => {
  it('finds the strongly connected components of the followed relations only', () => {
    // 0 -ww-> 1 -wr-> 0 is a cycle; 1 -rw-> 2 -ww-> 1 only when rw is followed.
    const g = graph(3, [[0, 1, WW], [1, 0, WR], [1, 2, RW], [2, 1, WW]])
    const data: Walk = { plain: WW | WR, rw: 0, doubled: false }
    const c = components(g, everything(3), data, free())
    expect(c.comp[0]).toBe(c.comp[1])
    expect(c.comp[2]).not.toBe(c.comp[1])
    const all = components(g, everything(3), { plain: WW | WR | RW, rw: 0, doubled: false }, free())
    expect(new Set(all.comp).size).toBe(1)
    expect(all.size[all.comp[0]!]).toBe(3)
  })

  it('the two-state walk has a cycle only where two rw edges are never adjacent', () => {
    const walk: Walk = { plain: WW | WR, rw: RW, doubled: true }
    const cyclic = (g: Graph, n: number): boolean => [...components(g, everything(n), walk, free()).size].some((s) => s > 1)
    // rw, rw: adjacent (a write skew) -- no cycle.
    expect(cyclic(graph(2, [[0, 1, RW], [1, 0, RW]]), 2)).toBe(false)
    // rw, wr, rw, wr: never adjacent -- a cycle.
    expect(cyclic(graph(4, [[0, 1, RW], [1, 2, WR], [2, 3, RW], [3, 0, WR]]), 4)).toBe(true)
    // rw, wr, rw, rw: the wrap-around makes two adjacent -- none.
    expect(cyclic(graph(4, [[0, 1, RW], [1, 2, WR], [2, 3, RW], [3, 0, RW]]), 4)).toBe(false)
    // one rw and data edges: a cycle (G-single is also non-adjacent).
    expect(cyclic(graph(2, [[0, 1, RW], [1, 0, WW]]), 2)).toBe(true)
  })

  it('stays inside the scope', () => {
    const g = graph(3, [[0, 1, WW], [1, 2, WW], [2, 0, WW]])
    const local = new Int32Array(3).fill(-1)
    local[0] = 0
    local[1] = 1
    const c = components(g, { nodes: Int32Array.from([0, 1]), local }, { plain: WW, rw: 0, doubled: false }, free())
    expect([...c.size]).toEqual([1, 1])
  })
})

describe('shortestPath', () => {
  it('returns the edges of a shortest path within the component', () => {
    // 0 -> 1 -> 2 -> 3 -> 0 and a shortcut 1 -> 3.
    const g = graph(4, [[0, 1, WW], [1, 2, WW], [2, 3, WW], [3, 0, WW], [1, 3, WR]])
    const walk: Walk = { plain: WW | WR, rw: 0, doubled: false }
    const c = components(g, everything(4), walk, free())
    const path = shortestPath(g, everything(4), walk, c, 1, 0, free())!
    expect(path.map((pos) => g.targets[pos])).toEqual([3, 0])
  })
})

describe('Budget', () => {
  it('runs out of steps', () => {
    const b = new Budget(10, Infinity)
    b.spend(10)
    expect(() => b.spend(1)).toThrow(BudgetExceeded)
  })

  it('runs out of time, checked on the first step', () => {
    expect(() => new Budget(Infinity, -1).spend(1)).toThrow(BudgetExceeded)
  })
})
