import { describe, expect, it } from 'vitest'
import { FaultTracker, faultLanes } from '../../../report/faults.js'

const S = 1e9
let index = 0
const nem = (t: number, type: string, f: string, value: unknown = null) => ({ index: index++, time: t * S, type, f, value })

describe('fault windows', () => {
  it('gives each kind its own lane, windows from the start invocation to the stop completion, labelled with nodes or topology', () => {
    index = 0
    const t = new FaultTracker()
    const grudge = { n1: ['n4', 'n5'], n2: ['n4', 'n5'], n3: ['n4', 'n5'], n4: ['n1', 'n2', 'n3'], n5: ['n1', 'n2', 'n3'] }
    for (const op of [
      nem(1, 'invoke', 'start-partition', { topology: 'halves' }),
      nem(1.1, 'ok', 'start-partition', { topology: 'halves', grudge }),
      nem(2, 'invoke', 'kill', { nodes: ['n2'] }),
      nem(2.2, 'ok', 'kill', { killed: ['n2'], via: 'target' }),
      nem(4, 'invoke', 'stop-partition'),
      nem(4.1, 'ok', 'stop-partition', 'network healed'),
      nem(5, 'invoke', 'start'),
      nem(5.5, 'ok', 'start', { started: ['n2'] }),
    ])
      t.add(op)
    const windows = t.finish(9 * S, 99)
    expect(windows.map((w) => [w.kind, w.label, w.start, w.end, w.open])).toEqual([
      ['partition', 'halves: n1 n2 n3 | n4 n5', 1, 4.1, false],
      ['kill', 'n2', 2, 5.5, false],
    ])
    // They overlap in time, and each has a lane of its own.
    expect(faultLanes(windows)).toEqual(['partition', 'kill'])
  })

  it('opens no window for a start that failed, an uncertain one for a start that ended info, and runs an unstopped one to the end', () => {
    index = 0
    const t = new FaultTracker()
    for (const op of [
      nem(1, 'invoke', 'start-packet', { nodes: ['n1'], loss: 0.2 }),
      nem(1.1, 'fail', 'start-packet', { nodes: ['n1'], loss: 0.2 }),
      nem(2, 'invoke', 'pause', { nodes: ['n3'] }),
      nem(2.1, 'info', 'pause', { nodes: ['n3'] }),
      nem(3, 'invoke', 'bump-clock', { nodes: ['n4'], deltaMs: 3000 }),
      nem(3.1, 'ok', 'bump-clock', { offsets: { n4: 3000 } }),
      nem(4, 'invoke', 'stop-packet'),
      nem(4.1, 'ok', 'stop-packet'),
    ])
      t.add(op)
    const windows = t.finish(10 * S, 50)
    expect(windows.map((w) => [w.kind, w.label, w.uncertain, w.open, w.end, w.endIndex])).toEqual([
      ['pause', 'n3', true, true, 10, 50],
      ['clock', 'n4 +3.0 s', false, true, 10, 50],
    ])
  })
})
