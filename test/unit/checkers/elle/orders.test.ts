// Process and real-time edges: the real-time edges are a reduction whose
// reachability is exactly "completed ok before the other was invoked".
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { EdgeList, PROCESS, REALTIME } from '../../../../checkers/elle/graph.js'
import { addProcessEdges, addRealtimeEdges } from '../../../../checkers/elle/orders.js'
import { OK, readTxns } from '../../../../checkers/elle/txn.js'
import type { Op } from '../../../../core/op.js'
import { serial } from './helpers.js'

/** Transactions as intervals: each [invoke, complete) on its own process, outcome by index. */
function intervals(spans: [number, number][], outcomes: readonly string[]): Op[] {
  const evs: { at: number; op: Omit<Op, 'index' | 'time'> }[] = []
  spans.forEach(([a, len], p) => {
    evs.push({ at: a * 2, op: { type: 'invoke', process: p, f: 'txn', value: [['r', 'x', null]] } })
    evs.push({ at: (a + len) * 2 + 1, op: { type: outcomes[p % outcomes.length] as Op['type'], process: p, f: 'txn', value: [['r', 'x', []]] } })
  })
  evs.sort((x, y) => x.at - y.at)
  return evs.map(({ op }, index) => ({ ...op, index, time: index }))
}

describe('real-time edges', () => {
  it('reach exactly the pairs where one completed ok before the other was invoked', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(30), fc.nat(10)), { minLength: 1, maxLength: 12 }), fc.constantFrom(['ok'], ['ok', 'info'], ['ok', 'fail', 'info']), (spans, outcomes) => {
        const txns = readTxns(intervals(spans, outcomes), 'list-append')
        const edges = new EdgeList()
        addRealtimeEdges(txns, edges)
        const n = txns.n
        const succ: number[][] = Array.from({ length: n }, () => [])
        for (let i = 0; i < edges.size; i++) {
          expect(edges.rel[i]).toBe(REALTIME)
          succ[edges.src[i]!]!.push(edges.dst[i]!)
        }
        for (let a = 0; a < n; a++) {
          const seen = new Set<number>()
          const todo = [...succ[a]!]
          while (todo.length > 0) {
            const x = todo.pop()!
            if (seen.has(x)) continue
            seen.add(x)
            todo.push(...succ[x]!)
          }
          for (let b = 0; b < n; b++) {
            const before = txns.type[a] === OK && txns.type[b] !== 2 && txns.completePos[a]! < txns.invokePos[b]!
            expect(seen.has(b)).toBe(before)
          }
        }
        // A reduction: never more edges than pairs of concurrent predecessors allow.
        expect(edges.size).toBeLessThanOrEqual(n * n)
      }),
      { numRuns: 300, seed: 5 },
    )
  })

  it('stay few when ten processes run back to back', () => {
    const spans: [number, number][] = Array.from({ length: 1000 }, (_, i) => [Math.floor(i / 10) * 3, 2])
    const txns = readTxns(intervals(spans, ['ok']), 'list-append')
    const edges = new EdgeList()
    addRealtimeEdges(txns, edges)
    expect(edges.size).toBeLessThanOrEqual(10 * txns.n)
  })
})

describe('process edges', () => {
  it('link each committed transaction to the next of its process; failed ones are skipped, indeterminate ones lead nowhere', () => {
    const h = serial([0, [['append', 'x', 1]]], [0, [['append', 'x', 2]], 'fail'], [0, [['append', 'x', 3]], 'info'], [0, [['append', 'x', 4]]], [1, [['append', 'x', 5]]])
    const txns = readTxns(h, 'list-append')
    const edges = new EdgeList()
    addProcessEdges(txns, edges)
    const pairs = Array.from({ length: edges.size }, (_, i) => [edges.src[i], edges.dst[i], edges.rel[i]])
    expect(pairs).toEqual([
      [0, 2, PROCESS],
      [0, 3, PROCESS],
    ])
  })
})
