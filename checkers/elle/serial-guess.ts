/**
 * A guess of register version orders by replaying the history serially.
 *
 * The open orders of a register history are mostly blind writes: writes no
 * read pins down. A guess that ranks them by completion time alone puts a
 * write between a version and a transaction that read it when that reader
 * completed late, which closes an rw cycle no execution had. This guess
 * builds one serial execution instead: transactions in a topological order of
 * the known edges (so every known edge runs forward), picking next a ready
 * transaction whose reads return what the keys hold at that point and whose
 * writes strand no pending reader of a version they overwrite, earliest
 * commit bound first. Each key's version order is the order its writers ran
 * in. When such a replay never has to break those rules, every edge of the
 * guess runs forward and the guess closes no cycle at all; when it must (a
 * history with an anomaly, or a choice the greedy got wrong), it still gives
 * a complete order, and the cycle check and the exact search take over.
 */
import type { Graph } from './graph.js'
import { levelOf } from './graph.js'
import type { KeyVersions } from './open-orders.js'

/**
 * Per key of `open`, per version, its place in the guessed order (smaller
 * first); undefined when the known edges at the level are cyclic (no
 * topological order). `priority`: per transaction, a bound on when it
 * committed (smaller first).
 */
export function serialRanks(g: Graph, level: number, open: readonly KeyVersions[], priority: Float64Array): Float64Array[] | undefined {
  const n = g.n
  const indegree = new Int32Array(n)
  for (let v = 0; v < n; v++) {
    for (let pos = g.offsets[v]!; pos < g.offsets[v + 1]!; pos++) if (levelOf(g.rels[pos]!) <= level) indegree[g.targets[pos]!]!++
  }
  const touch = new Touches(n, open)
  // Per key: the version it holds (-1: one outside the open versions, the initial state above all), and per version its readers yet to run.
  const holds = new Int32Array(open.length).fill(-1)
  const pending = open.map((kv) => Int32Array.from(kv.readers, (rs) => rs.length))
  const waiting: number[][] = open.map(() => [])
  // 0 not ready, 1 ready, 2 deferred (ready but against the rules now), 3 ran.
  const state = new Uint8Array(n)
  const ready = new Heap(priority)
  const deferred = new Heap(priority)
  for (let t = 0; t < n; t++) {
    if (indegree[t] !== 0) continue
    ready.push(t)
    state[t] = 1
  }
  // Per key, per version: its place; and how many versions were put right before it.
  const ranks = open.map((kv) => new Float64Array(kv.writer.length))
  const before = open.map((kv) => new Int32Array(kv.writer.length))
  let ran = 0

  /** The key a transaction must wait on before it may run, or -1 when it may run now. */
  const blockedOn = (t: number): number => {
    for (let i = touch.readStart[t]!; i < touch.readStart[t + 1]!; i++) {
      if (holds[touch.readKey[i]!] !== touch.readVersion[i]) return touch.readKey[i]!
    }
    for (let i = touch.writeStart[t]!; i < touch.writeStart[t + 1]!; i++) {
      const k = touch.writeKey[i]!
      const h = holds[k]!
      if (h >= 0 && pending[k]![h]! - (touch.reads(t, k, h) ? 1 : 0) > 0) return k
    }
    return -1
  }
  /** The keys t's writes would have to go earlier on, when its reads hold and those writes are unread blind writes; else undefined. */
  const backdatable = (t: number): number[] | undefined => {
    for (let i = touch.readStart[t]!; i < touch.readStart[t + 1]!; i++) if (holds[touch.readKey[i]!] !== touch.readVersion[i]) return undefined
    const keys: number[] = []
    for (let i = touch.writeStart[t]!; i < touch.writeStart[t + 1]!; i++) {
      const k = touch.writeKey[i]!
      const h = holds[k]!
      if (h < 0 || pending[k]![h]! - (touch.reads(t, k, h) ? 1 : 0) === 0) continue
      const kv = open[k]!
      for (let v = 0; v < kv.writer.length; v++) if (kv.writer[v] === t && kv.readers[v]!.length > 0) return undefined
      if (touch.readsKey(t, k)) return undefined
      keys.push(k)
    }
    return keys
  }
  const wake = (k: number): void => {
    for (const t of waiting[k]!) {
      if (state[t] !== 2) continue
      state[t] = 1
      ready.push(t)
    }
    waiting[k]!.length = 0
  }
  /** Runs t; its writes of `backdated` keys go right before the version the key holds, which it keeps. */
  const run = (t: number, backdated: readonly number[] = []): void => {
    state[t] = 3
    const at = ran++
    for (let i = touch.readStart[t]!; i < touch.readStart[t + 1]!; i++) {
      const k = touch.readKey[i]!
      if (--pending[k]![touch.readVersion[i]!]! === 0) wake(k)
    }
    for (let i = touch.writeStart[t]!; i < touch.writeStart[t + 1]!; i++) {
      const k = touch.writeKey[i]!
      const h = holds[k]!
      let place = at
      if (backdated.includes(k)) place = ranks[k]![h]! - 1 / (2 + before[k]![h]!++)
      else {
        holds[k] = touch.writeVersion[i]!
        wake(k)
      }
      // The transaction's earlier versions of the key take the same place: the known order puts them first.
      const kv = open[k]!
      for (let v = 0; v < kv.writer.length; v++) if (kv.writer[v] === t) ranks[k]![v] = place
    }
    for (let pos = g.offsets[t]!; pos < g.offsets[t + 1]!; pos++) {
      const s = g.targets[pos]!
      if (levelOf(g.rels[pos]!) <= level && --indegree[s]! === 0) {
        state[s] = 1
        ready.push(s)
      }
    }
  }

  while (ran < n) {
    const t = ready.pop()
    if (t >= 0) {
      if (state[t] !== 1) continue
      const k = blockedOn(t)
      if (k < 0) run(t)
      else {
        state[t] = 2
        deferred.push(t)
        waiting[k]!.push(t)
      }
      continue
    }
    // Nothing may run by the rules. A transaction whose reads hold and whose blocked writes
    // no one read may run with those writes put before the versions they would overwrite,
    // as if they had come earlier and been overwritten unseen; else the earliest deferred runs anyway.
    const scanned: number[] = []
    let chosen = -1
    let backdated: number[] = []
    while (scanned.length < BACKDATE_SCAN) {
      const d = deferred.pop()
      if (d < 0) break
      if (state[d] !== 2 || scanned.includes(d)) continue
      scanned.push(d)
      const keys = backdatable(d)
      if (keys) {
        chosen = d
        backdated = keys
        break
      }
    }
    for (const d of scanned) if (d !== chosen) deferred.push(d)
    if (chosen < 0) {
      chosen = deferred.pop()
      while (chosen >= 0 && state[chosen] !== 2) chosen = deferred.pop()
    }
    if (chosen < 0) return undefined // what is left waits on itself: the known edges are cyclic
    run(chosen, backdated)
  }
  return ranks
}

/** Deferred transactions looked at for one that may run with its writes put earlier. */
const BACKDATE_SCAN = 64

/** What each transaction reads and writes among the open versions, as flat columns by transaction. */
class Touches {
  readStart: Int32Array
  readKey: Int32Array
  readVersion: Int32Array
  writeStart: Int32Array
  writeKey: Int32Array
  /** The transaction's last version of the key (the one the key holds after it). */
  writeVersion: Int32Array

  constructor(n: number, open: readonly KeyVersions[]) {
    const reads: [number, number, number][] = []
    const writes = new Map<string, [number, number, number]>()
    open.forEach((kv, k) => {
      kv.readers.forEach((rs, v) => {
        for (const t of rs) reads.push([t, k, v])
      })
      // A transaction's own versions of a key are known in order: the last in that order is what it leaves.
      const later = new Set(kv.known.filter(([a, b]) => kv.writer[a] === kv.writer[b]).map(([a]) => a))
      kv.writer.forEach((t, v) => {
        if (!later.has(v)) writes.set(`${t}:${k}`, [t, k, v])
      })
    })
    const byTxn = (rows: [number, number, number][]): [Int32Array, Int32Array, Int32Array] => {
      rows.sort((a, b) => a[0] - b[0])
      const start = new Int32Array(n + 1)
      for (const [t] of rows) start[t + 1]!++
      for (let t = 0; t < n; t++) start[t + 1]! += start[t]!
      return [start, Int32Array.from(rows, (r) => r[1]), Int32Array.from(rows, (r) => r[2])]
    }
    ;[this.readStart, this.readKey, this.readVersion] = byTxn(reads)
    ;[this.writeStart, this.writeKey, this.writeVersion] = byTxn([...writes.values()])
  }

  /** Whether t read key k. */
  readsKey(t: number, k: number): boolean {
    for (let i = this.readStart[t]!; i < this.readStart[t + 1]!; i++) if (this.readKey[i] === k) return true
    return false
  }

  /** Whether t read version v of key k. */
  reads(t: number, k: number, v: number): boolean {
    for (let i = this.readStart[t]!; i < this.readStart[t + 1]!; i++) if (this.readKey[i] === k && this.readVersion[i] === v) return true
    return false
  }
}

/** A binary min-heap of transactions by priority (then number). */
class Heap {
  private items: number[] = []

  constructor(private readonly priority: Float64Array) {}

  private less(a: number, b: number): boolean {
    const pa = this.priority[a]!
    const pb = this.priority[b]!
    return pa < pb || (pa === pb && a < b)
  }

  push(t: number): void {
    const items = this.items
    let i = items.length
    items.push(t)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(t, items[parent]!)) break
      items[i] = items[parent]!
      i = parent
    }
    items[i] = t
  }

  /** The first transaction, or -1 when empty. */
  pop(): number {
    const items = this.items
    if (items.length === 0) return -1
    const top = items[0]!
    const last = items.pop()!
    if (items.length > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= items.length) break
        const c = l + 1 < items.length && this.less(items[l + 1]!, items[l]!) ? l + 1 : l
        if (!this.less(items[c]!, last)) break
        items[i] = items[c]!
        i = c
      }
      items[i] = last
    }
    return top
  }
}
