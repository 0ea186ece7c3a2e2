import { describe, expect, it } from 'vitest'
import { commandOf, isReadOnlyTxn, KvMap } from '../../../../targets/server-kit/kv-store.js'

describe('KvMap: the commands of the classic workloads', () => {
  it('adds to a set once, and refuses to add to a non-list', () => {
    const kv = new KvMap()
    expect(kv.apply({ op: 'add', key: ['set', 1], value: 3 })).toEqual({ ok: true })
    expect(kv.apply({ op: 'add', key: ['set', 1], value: 4 })).toEqual({ ok: true })
    expect(kv.apply({ op: 'add', key: ['set', 1], value: 3 })).toEqual({ ok: true })
    expect(kv.read(['set', 1])).toEqual([3, 4])
    kv.apply({ op: 'write', key: 'n', value: 1 })
    expect(kv.apply({ op: 'add', key: 'n', value: 1 })).toMatchObject({ ok: false, error: 'type-mismatch' })
  })

  it('increments from zero and answers the new value; a floor refuses without effect', () => {
    const kv = new KvMap()
    expect(kv.apply({ op: 'incr', key: 'c', delta: 1, floor: null })).toEqual({ ok: true, value: 1 })
    expect(kv.apply({ op: 'incr', key: 'c', delta: 1, floor: null })).toEqual({ ok: true, value: 2 })
    expect(kv.apply({ op: 'incr', key: 'c', delta: -3, floor: null })).toEqual({ ok: true, value: -1 })
    expect(kv.apply({ op: 'incr', key: 'c', delta: -1, floor: 0 })).toMatchObject({ ok: false, error: 'insufficient-funds' })
    expect(kv.read('c')).toBe(-1)
    kv.apply({ op: 'write', key: 's', value: 'x' })
    expect(kv.apply({ op: 'incr', key: 's', delta: 1, floor: null })).toMatchObject({ ok: false, error: 'type-mismatch' })
  })

  it('pops values in the order they were appended, then null', () => {
    const kv = new KvMap()
    for (const v of [5, 6, 7]) kv.apply({ op: 'append', key: 'q', value: v })
    const popped = [1, 2, 3, 4].map(() => kv.apply({ op: 'pop', key: 'q' }))
    expect(popped).toEqual([5, 6, 7, null].map((value) => ({ ok: true, value })))
  })

  it('answers a pop applied again with the same request from its record, taking nothing more', () => {
    const kv = new KvMap()
    for (const v of [5, 6, 7]) kv.apply({ op: 'append', key: 'q', value: v })
    expect(kv.apply({ op: 'pop', key: 'q', request: 'd1' })).toEqual({ ok: true, value: 5 })
    expect(kv.apply({ op: 'pop', key: 'q', request: 'd1' })).toEqual({ ok: true, value: 5 })
    expect(kv.read('q')).toEqual([6, 7])
    expect(kv.apply({ op: 'pop', key: 'q', request: 'd2' })).toEqual({ ok: true, value: 6 })
    // A request is one key's: the same id on another key is another request.
    kv.apply({ op: 'append', key: 'other', value: 9 })
    expect(kv.apply({ op: 'pop', key: 'other', request: 'd1' })).toEqual({ ok: true, value: 9 })
    expect(kv.read('q')).toEqual([7])
  })

  it('records a pop that found the queue empty too: a late try of it answers null and takes nothing, even once a value arrived', () => {
    const kv = new KvMap()
    expect(kv.apply({ op: 'pop', key: 'q', request: 'd1' })).toEqual({ ok: true, value: null })
    kv.apply({ op: 'append', key: 'q', value: 5 })
    expect(kv.apply({ op: 'pop', key: 'q', request: 'd1' })).toEqual({ ok: true, value: null })
    expect(kv.read('q')).toEqual([5])
    // The settle leaves it out: it took nothing.
    expect(kv.apply({ op: 'settle-dequeues', key: 'q' })).toEqual({ ok: true, value: {} })
  })

  it('settles the dequeue requests of a key: answers every record, and a request applied later takes nothing', () => {
    const kv = new KvMap()
    for (const v of [5, 6, 7, 8]) kv.apply({ op: 'append', key: 'q', value: v })
    kv.apply({ op: 'pop', key: 'q', request: 'd1' })
    kv.apply({ op: 'pop', key: 'q', request: '__proto__' })
    kv.apply({ op: 'pop', key: 'q' }) // no request: no record
    kv.apply({ op: 'append', key: 'other', value: 1 })
    kv.apply({ op: 'pop', key: 'other', request: 'd9' })
    const settled = kv.apply({ op: 'settle-dequeues', key: 'q' })
    expect(settled).toEqual({ ok: true, value: { d1: 5, ['__proto__']: 6 } })
    expect(JSON.parse(JSON.stringify(settled))).toEqual({ ok: true, value: { d1: 5, ['__proto__']: 6 } })
    // The fence: a request never applied before takes nothing, a recorded one still answers its record.
    expect(kv.apply({ op: 'pop', key: 'q', request: 'd3' })).toMatchObject({ ok: false, error: 'dequeue-settled' })
    expect(kv.apply({ op: 'pop', key: 'q', request: 'd1' })).toEqual({ ok: true, value: 5 })
    expect(kv.read('q')).toEqual([8])
    // Asked again, the same answer; pops without a request (the final drain) and other keys are not fenced.
    expect(kv.apply({ op: 'settle-dequeues', key: 'q' })).toEqual(settled)
    expect(kv.apply({ op: 'pop', key: 'q' })).toEqual({ ok: true, value: 8 })
    kv.apply({ op: 'append', key: 'other', value: 2 })
    expect(kv.apply({ op: 'pop', key: 'other', request: 'd10' })).toEqual({ ok: true, value: 2 })
  })

  it('keeps the records and the fence in its entries, so a snapshot or a state transfer carries them; no client key reads them', () => {
    const kv = new KvMap()
    for (const v of [5, 6]) kv.apply({ op: 'append', key: 'q', value: v })
    kv.apply({ op: 'pop', key: 'q', request: 'd1' })
    kv.apply({ op: 'settle-dequeues', key: 'q' })
    const copy = new KvMap()
    copy.restore(JSON.parse(JSON.stringify(kv.entries())) as [string, unknown][])
    expect(copy.apply({ op: 'pop', key: 'q', request: 'd1' })).toEqual({ ok: true, value: 5 })
    expect(copy.apply({ op: 'pop', key: 'q', request: 'd2' })).toMatchObject({ ok: false, error: 'dequeue-settled' })
    for (const key of ['#dequeue "q" d1', '#settled "q"', '"q"']) expect(copy.read(key)).toBeNull()
  })

  it('transfers between two balances atomically, and refuses an overdraft unless there is no floor', () => {
    const kv = new KvMap()
    kv.apply({ op: 'write', key: 'a', value: 3 })
    kv.apply({ op: 'write', key: 'b', value: 0 })
    expect(kv.apply({ op: 'transfer', from: 'a', to: 'b', amount: 2, floor: 0 })).toEqual({ ok: true })
    expect(kv.readMany(['a', 'b'])).toEqual([1, 2])
    expect(kv.apply({ op: 'transfer', from: 'a', to: 'b', amount: 2, floor: 0 })).toMatchObject({ ok: false, error: 'insufficient-funds' })
    expect(kv.readMany(['a', 'b'])).toEqual([1, 2])
    expect(kv.apply({ op: 'transfer', from: 'a', to: 'b', amount: 2, floor: null })).toEqual({ ok: true })
    expect(kv.readMany(['a', 'b', 'none'])).toEqual([-1, 4, null])
    expect(kv.apply({ op: 'transfer', from: 'a', to: 'none', amount: 1, floor: null })).toMatchObject({ ok: false, error: 'type-mismatch' })
    expect(kv.read('a')).toBe(-1)
  })

  it('applies a transaction whole or not at all; a preview answers it on the state as it is and changes nothing', () => {
    const kv = new KvMap()
    expect(kv.apply({ op: 'txn', ops: [['append', 'l', 1], ['w', 'r', 5], ['r', 'l', null], ['r', 'r', null]] })).toEqual({
      ok: true,
      value: [['append', 'l', 1], ['w', 'r', 5], ['r', 'l', [1]], ['r', 'r', 5]],
    })
    expect(kv.previewTxn([['r', 'l', null], ['append', 'l', 2], ['r', 'l', null]])).toEqual({ ok: true, value: [['r', 'l', [1]], ['append', 'l', 2], ['r', 'l', [1, 2]]] })
    expect(kv.read('l')).toEqual([1])
    // 'r' holds a number: the append to 'l' before it does not happen either.
    expect(kv.apply({ op: 'txn', ops: [['append', 'l', 3], ['append', 'r', 1]] })).toMatchObject({ ok: false, error: 'type-mismatch' })
    expect(kv.readMany(['l', 'r'])).toEqual([[1], 5])
    expect([isReadOnlyTxn([['r', 1, null], ['r', 2, null]]), isReadOnlyTxn([['r', 1, null], ['w', 1, 2]]), isReadOnlyTxn([])]).toEqual([true, false, true])
  })

  it('builds commands from request bodies and refuses malformed ones', () => {
    expect(commandOf('/kv/incr', { key: 'c' })).toEqual({ op: 'incr', key: 'c', delta: 1, floor: null })
    expect(commandOf('/kv/transfer', { from: 'a', to: 'b', amount: 2, floor: 0 })).toEqual({ op: 'transfer', from: 'a', to: 'b', amount: 2, floor: 0 })
    expect(() => commandOf('/kv/transfer', { from: 'a', to: 'a', amount: 2 })).toThrow(/two different keys/)
    expect(() => commandOf('/kv/transfer', { from: 'a', to: 'b', amount: -1 })).toThrow(/positive/)
    expect(() => commandOf('/kv/incr', { key: 'c', delta: 'x' })).toThrow(/delta/)
    expect(() => commandOf('/kv/pop', {})).toThrow(/needs a key/)
    expect(commandOf('/kv/pop', { key: 'q', request: 'd1' })).toEqual({ op: 'pop', key: 'q', request: 'd1' })
    expect(commandOf('/kv/pop', { key: 'q', request: null })).toEqual({ op: 'pop', key: 'q' })
    expect(() => commandOf('/kv/pop', { key: 'q', request: 7 })).toThrow(/request must be a string/)
    expect(commandOf('/kv/settle-dequeues', { key: 'q' })).toEqual({ op: 'settle-dequeues', key: 'q' })
    expect(() => commandOf('/kv/txn', { ops: [['delete', 1, null]] })).toThrow(/needs ops/)
  })
})
