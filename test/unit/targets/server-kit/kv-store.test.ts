import { describe, expect, it } from 'vitest'
import { commandOf, KvMap } from '../../../../targets/server-kit/kv-store.js'

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

  it('builds commands from request bodies and refuses malformed ones', () => {
    expect(commandOf('/kv/incr', { key: 'c' })).toEqual({ op: 'incr', key: 'c', delta: 1, floor: null })
    expect(commandOf('/kv/transfer', { from: 'a', to: 'b', amount: 2, floor: 0 })).toEqual({ op: 'transfer', from: 'a', to: 'b', amount: 2, floor: 0 })
    expect(() => commandOf('/kv/transfer', { from: 'a', to: 'a', amount: 2 })).toThrow(/two different keys/)
    expect(() => commandOf('/kv/transfer', { from: 'a', to: 'b', amount: -1 })).toThrow(/positive/)
    expect(() => commandOf('/kv/incr', { key: 'c', delta: 'x' })).toThrow(/delta/)
    expect(() => commandOf('/kv/pop', {})).toThrow(/needs a key/)
    expect(() => commandOf('/kv/txn', { ops: [['delete', 1, null]] })).toThrow(/needs ops/)
  })
})
