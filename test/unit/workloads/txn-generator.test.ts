import { describe, expect, it } from 'vitest'
import type { Op } from '../../../core/op.js'
import { txnWorkloadOptions } from '../../../workloads/txn-generator.js'
import { listAppendWorkload } from '../../../workloads/list-append.js'
import { rwRegisterWorkload } from '../../../workloads/rw-register.js'
import { invokes, options, play } from './helpers.js'

type Mop = [string, number, unknown]
const mopsOf = (op: Op): Mop[] => op.value as Mop[]

describe('transaction generator (list-append, rw-register)', () => {
  it('draws 1-5 micro-ops of reads and appends, each appended value unique per key, keys retiring after maxWritesPerKey', () => {
    const h = invokes(play(listAppendWorkload, options({ maxWritesPerKey: 4 }), 0.5))
    const main = h.filter((op) => mopsOf(op).some(([f]) => f === 'append'))
    expect(main.length).toBeGreaterThan(100)
    const writes = new Map<number, number[]>()
    let reads = 0
    for (const op of h) {
      expect(op.f).toBe('txn')
      const mops = mopsOf(op)
      expect(mops.length).toBeGreaterThanOrEqual(1)
      expect(mops.length).toBeLessThanOrEqual(5)
      for (const [f, k, v] of mops) {
        expect(['r', 'append']).toContain(f)
        if (f === 'r') {
          expect(v).toBeNull()
          reads++
        } else writes.set(k, [...(writes.get(k) ?? []), v as number])
      }
    }
    expect(reads).toBeGreaterThan(100)
    // Values 1, 2, ... per key in invocation order, at most 4 per key: unique, and the key retired after its 4th.
    for (const vs of writes.values()) expect(vs).toEqual(vs.map((_, i) => i + 1).slice(0, 4))
    expect(writes.size).toBeGreaterThan(8)
  })

  it('rw-register writes with w, and never more than keyCount keys are live at once', () => {
    const h = invokes(play(rwRegisterWorkload, options({ keyCount: 3, maxWritesPerKey: 2 }), 0.3))
    const fs = new Set(h.flatMap((op) => mopsOf(op).map(([f]) => f)))
    expect(fs).toEqual(new Set(['r', 'w']))
    // A retired key is never used again: between two transactions, at most 3 keys were used before and are used after.
    const used = new Set(h.flatMap((op) => mopsOf(op).map(([, k]) => k)))
    const main = h.slice(0, h.length - used.size)
    const span = new Map<number, [number, number]>()
    main.forEach((op, i) => {
      for (const [, k] of mopsOf(op)) span.set(k, [span.get(k)?.[0] ?? i, i])
    })
    expect(span.size).toBeGreaterThan(10)
    for (let i = 1; i < main.length; i++) expect([...span.values()].filter(([a, b]) => a < i && i <= b).length).toBeLessThanOrEqual(3)
  })

  it('is seeded: one seed, one sequence of transactions', () => {
    const values = (seed: number): unknown[] => invokes(play(listAppendWorkload, options(), 0.1, undefined, seed)).map((op) => op.value)
    expect(values(3)).toEqual(values(3))
    expect(values(3)).not.toEqual(values(4))
  })

  it('ends with one read of every key invoked, each in a transaction of its own', () => {
    const h = invokes(play(listAppendWorkload, options({ keyCount: 4, maxWritesPerKey: 3 }), 0.3))
    const used = new Set(h.flatMap((op) => mopsOf(op).map(([, k]) => k)))
    const tail = h.slice(h.length - used.size)
    expect(tail.map((op) => op.value)).toEqual([...used].sort((a, b) => a - b).map((k) => [['r', k, null]]))
  })

  it('takes the transaction shape and the consistency models from the workload options, and refuses bad ones', () => {
    expect(txnWorkloadOptions('list-append', options())).toEqual({
      keyCount: 8,
      minTxnLength: 1,
      maxTxnLength: 5,
      maxWritesPerKey: 32,
      readFraction: 0.5,
      keyDist: 'exponential',
      consistencyModels: ['strict-serializable'],
    })
    expect(txnWorkloadOptions('list-append', options({ consistencyModels: 'snapshot-isolation, read-committed', minTxnLength: 6 }))).toMatchObject({
      consistencyModels: ['snapshot-isolation', 'read-committed'],
      minTxnLength: 6,
      maxTxnLength: 6,
    })
    expect(() => txnWorkloadOptions('list-append', options({ consistencyModels: ['serialisable'] }))).toThrow(/list-append workload: option consistencyModels names an unknown model 'serialisable'/)
    expect(() => txnWorkloadOptions('rw-register', options({ minTxnLength: 3, maxTxnLength: 2 }))).toThrow(/rw-register workload: option maxTxnLength \(2\) is below minTxnLength \(3\)/)
    expect(() => txnWorkloadOptions('rw-register', options({ keyDist: 'zipf' }))).toThrow(/option keyDist must be one of exponential, uniform, got "zipf"/)
    expect(() => txnWorkloadOptions('rw-register', options({ keys: 3 }))).toThrow(/rw-register workload: unknown option\(s\) keys/)
  })
})
