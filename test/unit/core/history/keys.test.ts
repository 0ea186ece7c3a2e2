import { describe, expect, it } from 'vitest'
import { KeyIndex } from '../../../../core/history/keys.js'
import { historyOfOps, type HistorySource, type PositionRange } from '../../../../core/history/source.js'
import type { Op } from '../../../../core/op.js'
import { Random } from '../../../../core/random.js'

const keyOf = (op: Op): unknown => (Array.isArray(op.value) && op.value.length === 2 ? op.value[0] : undefined)

/**
 * A history of independent keys as the register workload makes it: groups of
 * processes work one key each, move on to fresh keys, and every key is read
 * once more at the end; some ops stay open, some processes are replaced after
 * an info, and the nemesis comes and goes.
 */
function keyedHistory(random: Random, keys: number): Op[] {
  const out: Op[] = []
  const push = (op: Omit<Op, 'index' | 'time'>): void => void out.push({ ...op, index: out.length, time: out.length } as Op)
  const groups = 3
  const processes = [0, 1, 2, 3, 4, 5]
  const open = new Map<number, unknown>()
  let next = 0
  const current = Array.from({ length: groups }, () => next++)
  const left = current.map(() => 5 + random.int(40))
  while (current.some((k) => k < keys)) {
    const t = random.int(processes.length)
    const p = processes[t]!
    const g = t % groups
    if (random.bool(0.01)) push({ type: random.bool(0.5) ? 'invoke' : 'info', process: 'nemesis', f: 'kill', value: null })
    if (open.has(p)) {
      const type = random.bool(0.1) ? 'info' : random.bool(0.1) ? 'fail' : 'ok'
      push({ type, process: p, f: 'read', value: random.bool(0.1) ? 'no key here' : [open.get(p), 1] })
      open.delete(p)
      if (type === 'info') processes[t] = p + 6
      continue
    }
    if (current[g]! >= keys) continue
    const key = random.bool(0.02) ? undefined : current[g]
    push({ type: 'invoke', process: p, f: 'read', value: key === undefined ? 7 : [key, null] })
    open.set(p, key)
    if (--left[g]! === 0) {
      current[g] = next++
      left[g] = 5 + random.int(40)
    }
  }
  for (const [p, key] of open) push({ type: 'ok', process: p, f: 'read', value: [key, 1] })
  open.clear()
  for (let k = 0; k < keys; k++) {
    const p = processes[k % processes.length]!
    push({ type: 'invoke', process: p, f: 'read', value: [k, null] })
    if (k % 10 !== 0) push({ type: 'ok', process: p, f: 'read', value: [k, 1] })
    else processes[k % processes.length] = p + 6 // never completes
  }
  return out
}

/** Each key's ops, the plain way: by the key of the process's open invocation. */
function byKey(history: readonly Op[]): Map<string, Op[]> {
  const out = new Map<string, Op[]>()
  const open = new Map<number, string>()
  for (const op of history) {
    if (typeof op.process !== 'number') continue
    let id: string
    if (op.type === 'invoke') {
      id = JSON.stringify(keyOf(op)) ?? 'none'
      open.set(op.process, id)
    } else {
      id = open.get(op.process)!
      open.delete(op.process)
    }
    const list = out.get(id) ?? []
    out.set(id, list)
    list.push(op)
  }
  return out
}

/** A source that records the ranges asked of it. */
function watched(history: readonly Op[]): HistorySource & { asked: PositionRange[][] } {
  const inner = historyOfOps(history)
  return { name: 'watched', asked: [], blocks: inner.blocks, ranges(r) { this.asked.push([...r]); return inner.ranges(r) } }
}

describe('KeyIndex', () => {
  it('gives back every key whole, in batches, reading only stretches of the history', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const random = new Random(seed)
      const history = keyedHistory(random, 300)
      const index = new KeyIndex(keyOf, { gap: 50 + random.int(200), maxStretches: 2 + random.int(4) })
      for (const op of history) index.add(op)
      const source = watched(history)
      const seen = new Map<string, Op[]>()
      let batches = 0
      for await (const ops of index.batches(source, 200)) {
        batches++
        const mine = byKey(ops)
        for (const [id, list] of mine) {
          expect(seen.has(id)).toBe(false) // a key comes whole, in one batch
          seen.set(id, list)
        }
        expect(ops.map((op) => op.index)).toEqual([...ops.map((op) => op.index)].sort((a, b) => a - b))
      }
      expect(seen).toEqual(byKey(history))
      expect(index.size).toBe(seen.size)
      expect(batches).toBeGreaterThan(10)
      // Batches read stretches, not the whole history each: all of them together
      // read it about twice (the ops without a key span it all, and are one batch).
      const read = source.asked.flat().reduce((n, [from, to]) => n + to - from + 1, 0)
      expect(read).toBeLessThan(3 * history.length)
    }
  })

  it('keeps at most maxStretches stretches per key, merging neighbours', async () => {
    // Key 'hot' is touched every 100 positions; the rest is other keys.
    const history: Op[] = []
    for (let i = 0; i < 5000; i++) {
      const p = i % 2
      const key = i % 100 < 2 ? 'hot' : `k${Math.floor(i / 2)}`
      const at = history.length
      history.push({ index: at, time: at, type: 'invoke', process: p, f: 'read', value: [key, null] })
      history.push({ index: at + 1, time: at + 1, type: 'ok', process: p, f: 'read', value: [key, 1] })
    }
    const index = new KeyIndex(keyOf, { gap: 10, maxStretches: 4 })
    for (const op of history) index.add(op)
    const source = watched(history)
    const found: Op[] = []
    for await (const ops of index.batches(source, 1)) found.push(...ops.filter((op) => keyOf(op) === 'hot'))
    expect(found).toEqual(history.filter((op) => keyOf(op) === 'hot'))
    // The first batch is 'hot' alone: at most four ranges, though its ops are in 100 places.
    expect(source.asked[0]!.length).toBeLessThanOrEqual(4)
  })

  it('refuses what no history can hold: a completion with nothing open, an invocation while one is', () => {
    const index = new KeyIndex(keyOf)
    index.add({ index: 0, time: 0, type: 'invoke', process: 0, f: 'read', value: ['a', null] })
    expect(() => index.add({ index: 1, time: 1, type: 'invoke', process: 0, f: 'read', value: ['a', null] })).toThrow(/op 1: process 0 invokes while/)
    expect(() => new KeyIndex(keyOf).add({ index: 0, time: 0, type: 'ok', process: 3, f: 'read', value: 1 })).toThrow(/op 0: process 3 completes an operation it never invoked/)
  })
})
