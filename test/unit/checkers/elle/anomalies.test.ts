// One hand-built history per anomaly type, each found with exactly the
// expected types (default models: strict serializable, so process and
// real-time orders are in the graph). Where one anomaly cannot occur without
// another, the pair is expected and the reason given.
import { describe, expect, it } from 'vitest'
import { check, type DataModel } from '../../../../checkers/elle/index.js'
import type { Op } from '../../../../core/op.js'
import { concurrent, events, serial } from './helpers.js'

interface Case {
  name: string
  history: Op[]
  types: string[]
  dataModel?: DataModel
  models?: string[]
}

// A write skew closed by an order: T3 then T1 (process 0, or processes 2 and 0
// for real time), T2 overlapping both. T1 -rw(x)-> T2 -rw(y)-> T3 -order-> T1.
const skewClosedBy = (sameProcess: boolean): Op[] =>
  events(
    [1, 'invoke', [['r', 'y', []], ['append', 'x', 2]]],
    [sameProcess ? 0 : 2, 'invoke', [['append', 'y', 3]]],
    [sameProcess ? 0 : 2, 'ok', [['append', 'y', 3]]],
    [0, 'invoke', [['r', 'x', []]]],
    [0, 'ok', [['r', 'x', []]]],
    [1, 'ok', [['r', 'y', []], ['append', 'x', 2]]],
  )

// T1 -rw(a)-> T2 -wr(b)-> T3 -rw(c)-> T4 -order-> T1: two anti-dependencies, never adjacent.
const nonadjacentClosedBy = (sameProcess: boolean): Op[] =>
  events(
    [1, 'invoke', [['append', 'a', 2], ['append', 'b', 2]]],
    [2, 'invoke', [['r', 'b', [2]], ['r', 'c', []]]],
    [0, 'invoke', [['append', 'c', 4]]],
    [0, 'ok', [['append', 'c', 4]]],
    [sameProcess ? 0 : 3, 'invoke', [['r', 'a', []]]],
    [sameProcess ? 0 : 3, 'ok', [['r', 'a', []]]],
    [1, 'ok', [['append', 'a', 2], ['append', 'b', 2]]],
    [2, 'ok', [['r', 'b', [2]], ['r', 'c', []]]],
  )

const listAppend: Case[] = [
  {
    name: 'G0: two transactions append to x and y in opposite orders',
    history: concurrent([0, [['append', 'x', 1], ['append', 'y', 1]]], [1, [['append', 'x', 2], ['append', 'y', 2]]], [2, [['r', 'x', [1, 2]], ['r', 'y', [2, 1]]]]),
    types: ['G0'],
  },
  {
    name: 'G1c: each read the other\'s append',
    history: concurrent([0, [['append', 'x', 1], ['r', 'y', [2]]]], [1, [['append', 'y', 2], ['r', 'x', [1]]]]),
    types: ['G1c'],
  },
  {
    name: 'G-single-item: read skew, one of two appends seen',
    history: concurrent([0, [['append', 'x', 1], ['append', 'y', 1]]], [1, [['r', 'x', []], ['r', 'y', [1]]]]),
    types: ['G-single-item'],
  },
  {
    name: 'G-nonadjacent-item: rw, wr, rw, wr',
    history: concurrent(
      [0, [['r', 'a', []], ['r', 'd', [4]]]],
      [1, [['append', 'a', 2], ['append', 'b', 2]]],
      [2, [['r', 'b', [2]], ['r', 'c', []]]],
      [3, [['append', 'c', 4], ['append', 'd', 4]]],
    ),
    types: ['G-nonadjacent-item'],
  },
  {
    name: 'G2-item: write skew',
    history: concurrent([0, [['r', 'x', []], ['append', 'y', 1]]], [1, [['r', 'y', []], ['append', 'x', 2]]]),
    types: ['G2-item'],
  },
  {
    name: 'G0-process: a process\'s two appends read in the wrong order',
    history: serial([0, [['append', 'x', 1]]], [0, [['append', 'x', 2]]], [1, [['r', 'x', [2, 1]]]]),
    types: ['G0-process'],
  },
  {
    name: 'G0-realtime: two appends read against real-time order',
    history: serial([0, [['append', 'x', 1]]], [1, [['append', 'x', 2]]], [2, [['r', 'x', [2, 1]]]]),
    types: ['G0-realtime'],
  },
  {
    name: 'G1c-process: a process read its next transaction\'s append',
    history: serial([0, [['r', 'y', [2]]]], [0, [['append', 'y', 2]]]),
    types: ['G1c-process'],
  },
  {
    name: 'G1c-realtime: a read saw an append that began only after it completed',
    history: serial([0, [['r', 'y', [2]]]], [1, [['append', 'y', 2]]]),
    types: ['G1c-realtime'],
  },
  {
    name: 'G-single-item-process: a process does not read its own earlier append',
    history: serial([0, [['append', 'x', 1]]], [0, [['r', 'x', []]]]),
    types: ['G-single-item-process'],
  },
  {
    name: 'G-single-item-realtime: a stale read after the append completed',
    history: serial([0, [['append', 'x', 1]]], [1, [['r', 'x', []]]]),
    types: ['G-single-item-realtime'],
  },
  { name: 'G-nonadjacent-item-process', history: nonadjacentClosedBy(true), types: ['G-nonadjacent-item-process'] },
  { name: 'G-nonadjacent-item-realtime', history: nonadjacentClosedBy(false), types: ['G-nonadjacent-item-realtime'] },
  { name: 'G2-item-process: write skew closed by process order', history: skewClosedBy(true), types: ['G2-item-process'] },
  { name: 'G2-item-realtime: write skew closed by real-time order', history: skewClosedBy(false), types: ['G2-item-realtime'] },
  {
    name: 'G1a: a read of a failed transaction\'s append',
    history: serial([0, [['append', 'x', 1]], 'fail'], [1, [['r', 'x', [1]]]]),
    types: ['G1a'],
  },
  {
    // Reading the intermediate state also misses the writer's later append: a G-single cycle.
    name: 'G1b: a read of a state between two appends of one transaction',
    history: concurrent([0, [['append', 'x', 1], ['append', 'x', 2]]], [1, [['r', 'x', [1]]]]),
    types: ['G-single-item', 'G1b'],
  },
  {
    name: 'internal: a read that misses its own transaction\'s append',
    history: serial([0, [['r', 'x', []], ['append', 'x', 1], ['r', 'x', []]]]),
    types: ['internal'],
  },
  {
    // A failed element in the order was read by someone: the dirty update comes with the aborted read.
    name: 'dirty-update: an append after a failed one',
    history: serial([0, [['append', 'x', 1]], 'fail'], [1, [['append', 'x', 2]]], [2, [['r', 'x', [1, 2]]]]),
    types: ['G1a', 'dirty-update'],
  },
  {
    name: 'duplicate-elements: an element read twice',
    history: serial([0, [['append', 'x', 1]]], [1, [['r', 'x', [1, 1]]]]),
    types: ['duplicate-elements'],
  },
  {
    name: 'incompatible-order: two reads, neither a prefix of the other',
    history: concurrent([0, [['append', 'x', 1]]], [1, [['append', 'x', 2]]], [2, [['r', 'x', [1, 2]]]], [3, [['r', 'x', [2, 1]]]]),
    types: ['incompatible-order'],
  },
  {
    name: 'incompatible-order: a transaction\'s own appends read the other way round',
    history: concurrent([0, [['append', 'x', 1], ['append', 'x', 2]]], [2, [['append', 'x', 3]]], [1, [['r', 'x', [2, 1, 3]]]]),
    types: ['incompatible-order'],
  },
  {
    // Both read [] and appended: the second append's writer missed the first, a G-single cycle.
    name: 'lost-update: two transactions read the same version and both append',
    history: concurrent([0, [['r', 'x', []], ['append', 'x', 1]]], [1, [['r', 'x', []], ['append', 'x', 2]]], [2, [['r', 'x', [1, 2]]]]),
    types: ['G-single-item', 'lost-update'],
  },
  {
    name: 'future-read: a transaction reads its own append before making it',
    history: serial([0, [['r', 'x', [1]], ['append', 'x', 1]]]),
    types: ['future-read'],
  },
  {
    name: 'garbage-read: a read of an element nobody appended',
    history: serial([0, [['append', 'x', 1]]], [1, [['r', 'x', [1, 7]]]]),
    types: ['garbage-read'],
  },
]

const rwRegister: Case[] = [
  {
    name: 'G-single-item: read skew over two registers',
    history: concurrent([0, [['w', 'x', 1], ['w', 'y', 1]]], [1, [['r', 'x', null], ['r', 'y', 1]]]),
    types: ['G-single-item'],
  },
  {
    name: 'G2-item: write skew',
    history: concurrent([0, [['r', 'x', null], ['w', 'y', 1]]], [1, [['r', 'y', null], ['w', 'x', 2]]]),
    types: ['G2-item'],
  },
  {
    name: 'G1a: a read of a failed write',
    history: serial([0, [['w', 'x', 1]], 'fail'], [1, [['r', 'x', 1]]]),
    types: ['G1a'],
  },
  {
    name: 'G1b: a read of an overwritten intermediate write',
    history: concurrent([0, [['w', 'x', 1], ['w', 'x', 2]]], [1, [['r', 'x', 1]]]),
    types: ['G-single-item', 'G1b'],
  },
  {
    name: 'internal: a read that disagrees with its own write',
    history: serial([0, [['w', 'x', 1], ['r', 'x', null]]]),
    types: ['internal'],
  },
  {
    // Both read the initial state and wrote: rw both ways (a G2-item in the edges every order has),
    // and whichever write came first, the other's writer missed it: a G-single cycle in every order.
    name: 'lost-update',
    history: concurrent([0, [['r', 'x', null], ['w', 'x', 1]]], [1, [['r', 'x', null], ['w', 'x', 2]]]),
    types: ['G-single-item', 'G2-item', 'lost-update'],
  },
  { name: 'future-read', history: serial([0, [['r', 'x', 1], ['w', 'x', 1]]]), types: ['future-read'] },
  { name: 'garbage-read', history: serial([0, [['w', 'x', 1]]], [1, [['r', 'x', 3]]]), types: ['garbage-read'] },
  {
    // Each read the other's write before writing: versions 1 < 2 < 1, which is also a write cycle.
    name: 'cyclic-versions',
    history: concurrent([0, [['r', 'x', 1], ['w', 'x', 2]]], [1, [['r', 'x', 2], ['w', 'x', 1]]]),
    types: ['G0', 'cyclic-versions'],
  },
  {
    name: 'G-single-item-process: a process reads the initial state after its own write',
    history: serial([0, [['w', 'x', 1]]], [0, [['r', 'x', null]]]),
    types: ['G-single-item-process'],
  },
]

function run(c: Case, dataModel: DataModel) {
  return check(c.history, c.dataModel ?? dataModel, c.models ? { consistencyModels: c.models } : {})
}

describe('list-append: one history per anomaly type', () => {
  for (const c of listAppend) {
    it(c.name, () => {
      const r = run(c, 'list-append')
      expect(r.anomalyTypes).toEqual(c.types)
      expect(r.valid).toBe(false)
      for (const t of c.types) expect(r.anomalies[t]!.length).toBeGreaterThan(0)
    })
  }
})

describe('rw-register: one history per anomaly type', () => {
  for (const c of rwRegister) {
    it(c.name, () => {
      const r = run(c, 'rw-register')
      expect(r.anomalyTypes).toEqual(c.types)
      expect(r.valid).toBe(false)
    })
  }
})

describe('register version orders from process order', () => {
  // T3 read x = 1 and y = 5; T2 wrote x = 2 and y = 5 after T1 wrote x = 1 on the same
  // process. Only process order puts 1 before 2, so T3 -rw(x)-> T2 -wr(y)-> T3 needs it.
  const history = events(
    [1, 'invoke', [['r', 'x', 1], ['r', 'y', 5]]],
    [0, 'invoke', [['w', 'x', 1]]],
    [0, 'ok', [['w', 'x', 1]]],
    [0, 'invoke', [['w', 'x', 2], ['w', 'y', 5]]],
    [0, 'ok', [['w', 'x', 2], ['w', 'y', 5]]],
    [1, 'ok', [['r', 'x', 1], ['r', 'y', 5]]],
  )

  it('is a G-single cycle for the session models, with the order\'s origin in the step', () => {
    const r = check(history, 'rw-register')
    expect(r.anomalyTypes).toEqual(['G-single-item-process'])
    const c = r.anomalies['G-single-item-process']![0] as { steps: { type: string; via?: string }[] }
    expect(c.steps.find((s) => s.type === 'rw')?.via).toBe('process')
    expect(r.not).toEqual(['strong-session-snapshot-isolation'])
  })

  it('is serializable (T2 before T1 explains every read)', () => {
    expect(check(history, 'rw-register', { consistencyModels: ['serializable'] })).toMatchObject({ valid: true, anomalyTypes: [] })
  })
})
