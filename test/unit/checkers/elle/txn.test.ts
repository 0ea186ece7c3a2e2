// Transactions out of a history: pairing by process, which value each outcome
// keeps, and refusing what is not a list-append / rw-register history.
import { describe, expect, it } from 'vitest'
import { ElleInputError, FAIL, INFO, OK, readTxns } from '../../../../checkers/elle/txn.js'
import type { Op } from '../../../../core/op.js'
import { events } from './helpers.js'

describe('readTxns', () => {
  it('pairs invocations with completions by process, in invocation order', () => {
    const h = events(
      [0, 'invoke', [['append', 'x', 1]]],
      [1, 'invoke', [['r', 'x', []]]],
      [1, 'ok', [['r', 'x', [1]]]],
      [0, 'fail', [['append', 'x', 1]]],
      [2, 'invoke', [['append', 'y', 2]]],
    )
    const t = readTxns(h, 'list-append')
    expect(t.n).toBe(3)
    expect([...t.type]).toEqual([FAIL, OK, INFO])
    expect([...t.invokePos]).toEqual([0, 1, 4])
    expect([...t.completePos]).toEqual([3, 2, -1])
    expect(t.mops(1)).toEqual([['r', 'x', [1]]])
    expect(t.keys).toEqual(['x', 'y'])
    expect([...t.mopWrite]).toEqual([1, 0, 1])
  })

  it('an indeterminate transaction keeps its invocation\'s value when the completion has none', () => {
    const h: Op[] = [
      { index: 0, time: 0, type: 'invoke', process: 0, f: 'txn', value: [['w', 'x', 1]] },
      { index: 1, time: 1, type: 'info', process: 0, f: 'txn', value: null, error: 'timeout' },
    ]
    expect(readTxns(h, 'rw-register').mops(0)).toEqual([['w', 'x', 1]])
  })

  it('a completion without an invocation counts as invoked where it completed; other ops are ignored', () => {
    const h: Op[] = [
      { index: 0, time: 0, type: 'info', process: 'nemesis', f: 'start-partition', value: null },
      { index: 1, time: 1, type: 'ok', process: 3, f: 'txn', value: [['r', 'x', null]] },
    ]
    const t = readTxns(h, 'rw-register')
    expect(t.n).toBe(1)
    expect([t.invokePos[0], t.completePos[0]]).toEqual([1, 1])
  })

  it('refuses micro-operations of the other data model, with the op', () => {
    const h = events([0, 'invoke', [['w', 'x', 1]]], [0, 'ok', [['w', 'x', 1]]])
    expect(() => readTxns(h, 'list-append')).toThrow(ElleInputError)
    expect(() => readTxns(h, 'list-append')).toThrow(/op 1: \["w","x",1\] is not a list-append micro-operation/)
  })

  it('refuses a transaction whose value is not a list', () => {
    const h: Op[] = [{ index: 0, time: 0, type: 'ok', process: 0, f: 'txn', value: 5 }]
    expect(() => readTxns(h, 'rw-register')).toThrow(/must be a list of micro-operations/)
  })
})
