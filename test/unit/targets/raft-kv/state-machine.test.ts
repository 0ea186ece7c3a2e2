import { describe, expect, it } from 'vitest'
import { isMicroOpList } from '../../../../targets/server-kit/kv-store.js'
import { KvStateMachine } from '../../../../targets/raft-kv/server/state-machine.js'

describe('KvStateMachine', () => {
  it('reads null for a missing key, then what was written', () => {
    const sm = new KvStateMachine()
    expect(sm.read(1)).toBeNull()
    expect(sm.apply({ op: 'write', key: 1, value: 7 })).toEqual({ ok: true })
    expect(sm.read(1)).toBe(7)
    expect(sm.read('1')).toBeNull() // keys compare by JSON text: 1 and "1" differ
  })

  it('compares and sets', () => {
    const sm = new KvStateMachine()
    sm.apply({ op: 'write', key: 'k', value: 1 })
    expect(sm.apply({ op: 'cas', key: 'k', from: 2, to: 3 })).toEqual({ ok: false, error: 'cas-mismatch' })
    expect(sm.read('k')).toBe(1)
    expect(sm.apply({ op: 'cas', key: 'k', from: 1, to: 3 })).toEqual({ ok: true })
    expect(sm.read('k')).toBe(3)
    expect(sm.apply({ op: 'cas', key: 'missing', from: null, to: 1 })).toEqual({ ok: true })
  })

  it('applies a transaction atomically, reads seeing its own writes', () => {
    const sm = new KvStateMachine()
    sm.apply({ op: 'write', key: 'x', value: [1] })
    const r = sm.apply({ op: 'txn', ops: [['append', 'x', 2], ['r', 'x', null], ['w', 'y', 5], ['r', 'y', null], ['r', 'z', null]] })
    expect(r).toEqual({ ok: true, value: [['append', 'x', 2], ['r', 'x', [1, 2]], ['w', 'y', 5], ['r', 'y', 5], ['r', 'z', null]] })
    expect(sm.read('x')).toEqual([1, 2])
  })

  it('applies nothing of a transaction that fails part-way', () => {
    const sm = new KvStateMachine()
    sm.apply({ op: 'write', key: 'n', value: 3 })
    const r = sm.apply({ op: 'txn', ops: [['w', 'a', 1], ['append', 'b', 1], ['append', 'n', 4]] })
    expect(r).toMatchObject({ ok: false, error: 'type-mismatch' })
    expect([sm.read('a'), sm.read('b'), sm.read('n')]).toEqual([null, null, 3])
  })

  it('never lets a returned read alias later appends', () => {
    const sm = new KvStateMachine()
    const first = sm.apply({ op: 'txn', ops: [['append', 'l', 1], ['r', 'l', null]] })
    sm.apply({ op: 'txn', ops: [['append', 'l', 2]] })
    expect(first).toEqual({ ok: true, value: [['append', 'l', 1], ['r', 'l', [1]]] })
  })

  it('round-trips through a snapshot', () => {
    const sm = new KvStateMachine()
    sm.apply({ op: 'write', key: [1, 'a'], value: { deep: true } })
    sm.apply({ op: 'write', key: 2, value: 'two' })
    const copy = new KvStateMachine()
    copy.restore(JSON.parse(JSON.stringify(sm.snapshot())))
    expect(copy.read([1, 'a'])).toEqual({ deep: true })
    expect(copy.read(2)).toBe('two')
    expect(copy.size).toBe(2)
  })

  it('validates micro-op lists', () => {
    expect(isMicroOpList([['append', 1, 2], ['r', 1, null]])).toBe(true)
    expect(isMicroOpList([['delete', 1, null]])).toBe(false)
    expect(isMicroOpList('x')).toBe(false)
  })
})
