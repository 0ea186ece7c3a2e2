// The serial replay's guess of register version orders: it follows the known
// edges of its level, puts an unread blind write before the version it would
// strand, and gives up on cyclic known edges.
import { describe, expect, it } from 'vitest'
import { buildGraph, EdgeList, WR, type Graph } from '../../../../checkers/elle/graph.js'
import type { KeyVersions } from '../../../../checkers/elle/open-orders.js'
import { serialRanks } from '../../../../checkers/elle/serial-guess.js'

function graph(n: number, edges: [number, number, number][]): Graph {
  const list = new EdgeList(2)
  for (const [a, b, r] of edges) list.add(a, b, r)
  return buildGraph(n, list)
}

/** One open key: versions written by `writer`, read by `readers`. */
const key = (writer: number[], readers: number[][]): KeyVersions => ({ key: 0, writer, first: writer.map((_, v) => v), last: writer.map((_, v) => v), readers, known: [] })

describe('serialRanks', () => {
  it('puts an unread blind write before the version it would overwrite while that version waits for a reader', () => {
    // T1 wrote b and completed first; T2 read b and depends on T0 (wr on another key); T0 wrote a, which nobody read.
    // T0 cannot follow b before T2 runs, and T2 cannot run before T0: a goes before b.
    const g = graph(3, [[0, 2, WR], [1, 2, WR]])
    const kv = key([0, 1], [[], [2]])
    const ranks = serialRanks(g, 0, [kv], Float64Array.from([1, 0, 2]))!
    expect(ranks[0]![0]).toBeLessThan(ranks[0]![1]!)
  })

  it('follows the known edges: a writer that must come later gets a later place', () => {
    const g = graph(2, [[1, 0, WR]])
    const kv = key([0, 1], [[], []])
    const ranks = serialRanks(g, 0, [kv], Float64Array.from([0, 1]))!
    expect(ranks[0]![1]).toBeLessThan(ranks[0]![0]!)
  })

  it('gives no guess when the known edges are cyclic', () => {
    const g = graph(2, [[0, 1, WR], [1, 0, WR]])
    expect(serialRanks(g, 0, [key([0, 1], [[], []])], Float64Array.from([0, 1]))).toBeUndefined()
  })

  it('leaves out edges above the level it is asked for', () => {
    // A real-time edge (level 2) 1 -> 0 does not bind at level 0: T0 completed first, so a comes first.
    const REALTIME = 16
    const g = graph(2, [[1, 0, REALTIME]])
    const kv = key([0, 1], [[], []])
    const at0 = serialRanks(g, 0, [kv], Float64Array.from([0, 1]))!
    expect(at0[0]![0]).toBeLessThan(at0[0]![1]!)
    const at2 = serialRanks(g, 2, [kv], Float64Array.from([0, 1]))!
    expect(at2[0]![1]).toBeLessThan(at2[0]![0]!)
  })
})
