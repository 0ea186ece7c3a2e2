/** Durable state of a chain node: recovery of config, snapshot and updates; a torn last line is dropped. */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Storage } from '../../../../targets/chain-kv/server/storage.js'
import { KvMap as KvStore } from '../../../../targets/server-kit/kv-store.js'
import { tempDirs } from '../temp-dirs.js'

const fresh = tempDirs('chain-kv-storage-')

const w = (seq: number, value: unknown) => ({ seq, operation: { op: 'write' as const, key: 'k', value } })

describe('chain-kv storage', () => {
  it('recovers the config, the snapshot and the updates after it', () => {
    const dir = fresh()
    const s = new Storage(dir)
    s.saveConfig({ epoch: 3, chain: ['n2', 'n1'], joining: null })
    s.append([w(1, 'a'), w(2, 'b')])
    s.flush()
    s.saveSnapshot(2, [['"k"', 'b']], [w(2, 'b')])
    s.append([w(3, 'c')])
    s.flush()
    s.close()
    const r = new Storage(dir).load()
    expect(r.config).toEqual({ epoch: 3, chain: ['n2', 'n1'], joining: null })
    expect(r.snapshot).toEqual({ seq: 2, kv: [['"k"', 'b']] })
    expect(r.updates.map((u) => u.seq)).toEqual([2, 3]) // the unacknowledged line survives compaction
  })

  it('drops a torn last line and keeps appending after it', () => {
    const dir = fresh()
    const s = new Storage(dir)
    s.append([w(1, 'a')])
    s.flush()
    s.close()
    appendFileSync(join(dir, 'updates.jsonl'), '{"seq":2,"operation":{"op":"wri')
    const t = new Storage(dir)
    expect(t.load().updates.map((u) => u.seq)).toEqual([1])
    t.append([w(2, 'b')])
    t.flush()
    t.close()
    expect(new Storage(dir).load().updates.map((u) => u.seq)).toEqual([1, 2])
  })
})

describe('chain-kv store', () => {
  it('writes, compares-and-sets (missing = null) and appends to lists only', () => {
    const kv = new KvStore()
    expect(kv.apply({ op: 'cas', key: 'a', from: null, to: 1 })).toEqual({ ok: true })
    expect(kv.apply({ op: 'cas', key: 'a', from: 2, to: 3 })).toMatchObject({ ok: false, error: 'cas-mismatch' })
    expect(kv.apply({ op: 'append', key: 'a', value: 1 })).toMatchObject({ ok: false, error: 'type-mismatch' })
    kv.apply({ op: 'append', key: ['l'], value: 1 })
    kv.apply({ op: 'append', key: ['l'], value: 2 })
    expect([kv.read('a'), kv.read(['l']), kv.read('none')]).toEqual([1, [1, 2], null])
  })
})
