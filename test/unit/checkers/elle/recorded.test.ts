// rw-register histories recorded from the correct bundled targets under
// partitions and kills (test/fixtures/histories): decided valid, by a version
// order the checker found and checked, and still invalid once one read is
// made to return a value written only after the reading transaction ended.
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { checkRwRegister } from '../../../../checkers/elle/index.js'
import type { Op } from '../../../../core/op.js'

const DIR = new URL('../../../fixtures/histories/', import.meta.url).pathname
const load = (name: string): Op[] =>
  gunzipSync(readFileSync(DIR + name))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Op)

type Mop = [string, unknown, unknown]

/** The history with one ok transaction's read returning a value first written by a transaction invoked after it completed. */
function futureRead(history: Op[]): Op[] {
  const h = history.map((op) => ({ ...op, value: Array.isArray(op.value) ? (op.value as Mop[]).map((m) => [...m] as Mop) : op.value }))
  // Per completion, where its invocation is.
  const invokedAt = new Int32Array(h.length)
  const open = new Map<unknown, number>()
  h.forEach((op, i) => {
    if (op.type === 'invoke') open.set(op.process, i)
    else invokedAt[i] = open.get(op.process) ?? i
  })
  for (let i = 0; i < h.length; i++) {
    const op = h[i]!
    if (op.type !== 'ok' || op.f !== 'txn') continue
    const mops = op.value as Mop[]
    // A read that is the transaction's first access to its key.
    const read = mops.findIndex(([f, k], j) => f === 'r' && mops.findIndex(([, key]) => key === k) === j)
    if (read < 0) continue
    const k = mops[read]![1]
    // A write of k by a transaction invoked after this one completed, and that completed ok.
    for (let j = i + 1; j < h.length; j++) {
      const w = h[j]!
      if (w.type !== 'ok' || w.f !== 'txn' || invokedAt[j]! <= i) continue
      const write = (w.value as Mop[]).find(([f, key]) => f === 'w' && key === k)
      if (!write) continue
      mops[read]![2] = write[2]
      return h
    }
  }
  throw new Error('no read to change')
}

describe('recorded rw-register histories', () => {
  for (const name of ['chain-kv-rw-register-partition-kill.jsonl.gz', 'raft-kv-rw-register-partition-kill.jsonl.gz', 'raft-kv-rw-register-partition.jsonl.gz']) {
    it(`${name}: valid, strict serializable`, () => {
      const r = checkRwRegister(load(name))
      expect(r.anomalyTypes).toEqual([])
      expect(r.valid).toBe(true)
    })

    it(`${name}: a read of a later transaction's write is caught`, () => {
      const r = checkRwRegister(futureRead(load(name)))
      expect(r.valid).toBe(false)
      expect(r.forbidden.length).toBeGreaterThan(0)
    })
  }
})
