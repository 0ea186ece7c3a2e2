/**
 * List-append histories: `['append', k, v]` appends v (unique per key) to the
 * list k, `['r', k, list]` reads the whole list. Because every append is
 * unique and reads return whole lists, a read shows the exact order of every
 * append before it, so a key's version order is the longest read of it (all
 * other reads must be prefixes: Elle's recoverability and traceability).
 *
 * Every read of a committed transaction that agrees with the transaction's
 * own earlier operations (internal consistency) is a state of the list, so it
 * is evidence of the order, its own appends included. Only external reads make
 * edges: the first read of a key in a transaction, with any appends the
 * transaction made before it taken off its end.
 *
 * Edges, for a committed or indeterminate reader T of key k that saw [e1..em]:
 * wr from the appender of em to T; rw from T to the appender of the element
 * after em, or, when T saw the longest version, to every append of k that no
 * read saw (those come after it). ww from the appender of each element to the
 * appender of the next, and from the last observed element's appender to each
 * unobserved append. An indeterminate transaction has outgoing data edges only
 * when a read observed one of its appends, which means it committed.
 */
import { Cases, keyName, show, txnRef } from './cases.js'
import type { EdgeExplainer } from './explain.js'
import { EdgeList, RW, WR, WW } from './graph.js'
import type { Analysis, KeyVersions } from './open-orders.js'
import { describe, ElleInputError, FAIL, OK, type Txns } from './txn.js'
import { ValueIndex } from './value-index.js'

const EMPTY: readonly unknown[] = []

export function analyseListAppend(txns: Txns, cases: Cases, edges: EdgeList): Analysis {
  const { n, type, mops, mopStart, mopKey, mopWrite, mopValue } = txns
  const nKeys = txns.keys.length

  // --- appends: who appended what, and whether it was the txn's last append to that key
  let totalAppends = 0
  for (let i = 0; i < mopWrite.length; i++) totalAppends += mopWrite[i]!
  const appendTxn = new Int32Array(totalAppends)
  const appendMop = new Int32Array(totalAppends)
  const appendPos = new Int32Array(totalAppends).fill(-1)
  const appendLast = new Uint8Array(totalAppends)
  // The same transaction's previous append to the same key, or -1.
  const appendPrev = new Int32Array(totalAppends).fill(-1)
  const writers = new ValueIndex(totalAppends)
  let a = 0
  for (let t = 0; t < n; t++) {
    const base = mopStart[t]!
    const m = mopStart[t + 1]! - base
    for (let j = 0; j < m; j++) {
      if (!mopWrite[base + j]) continue
      const k = mopKey[base + j]!
      const v = mopValue[base + j]
      if (v === null || typeof v === 'object') {
        throw new ElleInputError(`op ${txns.completeIndex[t]}: appended value ${describe(v)} to ${describe(txns.keys[k])}: values must be numbers or strings`, txns.completeIndex[t])
      }
      if (!writers.add(k, v, a)) {
        throw new ElleInputError(
          `op ${txns.completeIndex[t]}: ${describe(v)} is appended to ${describe(txns.keys[k])} more than once (also by op ${txns.completeIndex[appendTxn[writers.get(k, v)]!]}): list-append needs every appended value to be unique per key`,
          txns.completeIndex[t],
        )
      }
      appendTxn[a] = t
      appendMop[a] = base + j
      appendLast[a] = isLastWriteOfKey(mopKey, mopWrite, base, m, j) ? 1 : 0
      for (let b = a - 1; b >= 0 && appendTxn[b] === t; b--) {
        if (mopKey[appendMop[b]!] === k) {
          appendPrev[a] = b
          break
        }
      }
      a++
    }
  }
  const writerOf = (k: number, e: unknown): number => writers.get(k, e)

  // --- reads of committed transactions: internal consistency, then each read
  // that agrees with its own transaction is evidence of the key's order
  // (`readLen` is the length of its external part, -1 when it has none).
  const maxReads = mopWrite.length - totalAppends
  const readTxn = new Int32Array(maxReads)
  const readKey = new Int32Array(maxReads)
  const readLen = new Int32Array(maxReads)
  const readMop = new Int32Array(maxReads)
  const readList = new Array<readonly unknown[]>(maxReads)
  const readStart = new Int32Array(n + 1)
  let r = 0
  for (let t = 0; t < n; t++) {
    readStart[t] = r
    if (type[t] !== OK) continue
    const base = mopStart[t]!
    const m = mopStart[t + 1]! - base
    for (let j = 0; j < m; j++) {
      if (mopWrite[base + j]) continue
      const k = mopKey[base + j]!
      const value = mopValue[base + j]
      if (value !== null && !Array.isArray(value)) {
        throw new ElleInputError(`op ${txns.completeIndex[t]}: read of ${describe(txns.keys[k])} returned ${describe(value)}, not a list`, txns.completeIndex[t])
      }
      const R = (value ?? EMPTY) as readonly unknown[]
      const len = externalLength(txns, cases, t, j, R)
      if (len === INCONSISTENT) continue
      readTxn[r] = t
      readKey[r] = k
      readLen[r] = len
      readMop[r] = base + j
      readList[r] = R
      r++
    }
  }
  readStart[n] = r
  const nReads = r

  // --- each key's version order: its longest read
  const orderRead = new Int32Array(nKeys).fill(-1)
  for (let i = 0; i < nReads; i++) {
    const k = readKey[i]!
    const cur = orderRead[k]!
    if (cur < 0 || readList[i]!.length > readList[cur]!.length) orderRead[k] = i
  }
  const orderOf = (k: number): readonly unknown[] => (orderRead[k]! < 0 ? EMPTY : readList[orderRead[k]!]!)
  const orderLen = (k: number): number => orderOf(k).length

  // Place every observed append in its key's order; note the first position of
  // anything no valid execution could show (garbage, failed, repeated elements).
  const badPos = new Int32Array(nKeys).fill(0x7fffffff)
  const incompatibleKey = new Uint8Array(nKeys)
  for (let k = 0; k < nKeys; k++) {
    const L = orderOf(k)
    const len = orderLen(k)
    let failedAt = -1
    for (let i = 0; i < len; i++) {
      const x = writerOf(k, L[i])
      if (x < 0 || appendPos[x] !== -1 || type[appendTxn[x]!] === FAIL) {
        if (badPos[k] === 0x7fffffff) badPos[k] = i
        if (x >= 0 && type[appendTxn[x]!] === FAIL && failedAt < 0) failedAt = i
        if (x < 0 || appendPos[x] !== -1) continue
      } else if (failedAt >= 0) {
        const failed = writerOf(k, L[failedAt])
        const key = txns.keys[k]
        const [e1, e2] = [L[failedAt], L[i]]
        const [t1, t2] = [appendTxn[failed]!, appendTxn[x]!]
        cases.add('dirty-update', () => ({
          type: 'dirty-update',
          key,
          values: [e1, e2],
          txns: [txnRef(txns, t1, 'T1'), txnRef(txns, t2, 'T2')],
          explanation: `in ${keyName(key)}'s version order, T2's append of ${show(e2)} comes after ${show(e1)}, which T1 appended in a failed transaction`,
        }))
        failedAt = -1
      }
      appendPos[x] = i
    }
  }

  // A transaction's appends to a key must appear in the order it made them.
  for (let x = 0; x < totalAppends; x++) {
    const p = appendPrev[x]!
    if (p < 0 || appendPos[x]! < 0 || appendPos[p]! < 0 || appendPos[p]! < appendPos[x]!) continue
    const k = mopKey[appendMop[x]!]!
    if (incompatibleKey[k]) continue
    incompatibleKey[k] = 1
    const key = txns.keys[k]
    const t = appendTxn[x]!
    const made = [mopValue[appendMop[p]!], mopValue[appendMop[x]!]]
    const L = orderOf(k).slice()
    cases.add('incompatible-order', () => ({
      type: 'incompatible-order',
      key,
      values: [made, L],
      txns: [txnRef(txns, t, 'T1'), txnRef(txns, readTxn[orderRead[k]!]!, 'T2')],
      explanation: `T1 appended ${show(made[0])} and then ${show(made[1])} to ${keyName(key)}, but T2 read ${keyName(key)} = ${show(L)}, with them the other way round`,
    }))
  }

  // Appends no read observed come after each key's longest read, in an order nothing
  // shows. Their transactions, by key: unobservedTxn[unobservedStart[k] .. unobservedStart[k + 1]).
  const unobservedStart = new Int32Array(nKeys + 1)
  const isUnobserved = (x: number): boolean => appendPos[x] === -1 && type[appendTxn[x]!] !== FAIL
  for (let x = 0; x < totalAppends; x++) if (isUnobserved(x)) unobservedStart[mopKey[appendMop[x]!]! + 1]!++
  for (let k = 0; k < nKeys; k++) unobservedStart[k + 1]! += unobservedStart[k]!
  const unobservedTxn = new Int32Array(unobservedStart[nKeys]!)
  const fill = unobservedStart.slice(0, nKeys)
  for (let x = 0; x < totalAppends; x++) if (isUnobserved(x)) unobservedTxn[fill[mopKey[appendMop[x]!]!]!++] = appendTxn[x]!

  // --- per read: anomalies, wr and rw edges
  const luKey: number[] = []
  const luLen: number[] = []
  const luTxn: number[] = []
  // A read's micro-op itself is fetched only for a case: touching it costs a memory access per read.
  const mopOf = (r: number): unknown[] => mops(readTxn[r]!)[readMop[r]! - mopStart[readTxn[r]!]!]!
  for (let i = 0; i < nReads; i++) {
    const t = readTxn[i]!
    const k = readKey[i]!
    const R = readList[i]!
    const L = orderOf(k)
    const Llen = orderLen(k)
    if (!isPrefix(R, R.length, L, Llen)) {
      if (!incompatibleKey[k]) {
        incompatibleKey[k] = 1
        const key = txns.keys[k]
        const [shorter, longer] = [R.slice(), L.slice()]
        cases.add('incompatible-order', () => ({
          type: 'incompatible-order',
          key,
          values: [shorter, longer],
          txns: [txnRef(txns, t, 'T1'), txnRef(txns, readTxn[orderRead[k]!]!, 'T2')],
          explanation: `T1 read ${keyName(key)} = ${show(shorter)} and T2 read ${show(longer)}: neither is a prefix of the other, so they cannot both be states of one list`,
        }))
      }
      readAnomalies(txns, cases, t, k, mopOf(i), R, R.length, writerOf, appendTxn)
      continue
    }
    if (badPos[k]! < R.length) readAnomalies(txns, cases, t, k, mopOf(i), R, R.length, writerOf, appendTxn)
    const len = readLen[i]!
    if (len < 0) continue // not an external read: its transaction's first read of k already counted
    if (len > 0) {
      const x = writerOf(k, R[len - 1])
      if (x >= 0) {
        const w = appendTxn[x]!
        if (w !== t && type[w] !== FAIL) {
          edges.add(w, t, WR)
          if (!appendLast[x]) {
            const key = txns.keys[k]
            const e = R[len - 1]
            cases.add('G1b', () => ({
              type: 'G1b',
              txns: [txnRef(txns, t, 'T1'), txnRef(txns, w, 'T2')],
              key,
              mop: mopOf(i),
              element: e,
              explanation: `T1 read ${keyName(key)} up to ${show(e)}, an intermediate state: T2 appended ${show(e)} and then more to ${keyName(key)} in the same transaction`,
            }))
          }
        }
      }
    }
    if (len < Llen) {
      const x = writerOf(k, L[len])
      if (x >= 0 && type[appendTxn[x]!] !== FAIL) edges.add(t, appendTxn[x]!, RW)
    } else {
      for (let u = unobservedStart[k]!; u < unobservedStart[k + 1]!; u++) edges.add(t, unobservedTxn[u]!, RW)
    }
    // Its own appends to k: seen before they were made (future read), and lost updates.
    const base = mopStart[t]!
    const end = mopStart[t + 1]! - base
    let appends = false
    for (let j = 0; j < end; j++) {
      if (!mopWrite[base + j] || mopKey[base + j] !== k) continue
      appends = true
      const x = writerOf(k, mopValue[base + j])
      const p = x < 0 ? -1 : appendPos[x]!
      if (p >= 0 && p < len) {
        const key = txns.keys[k]
        const e = mopValue[base + j]
        cases.add('future-read', () => ({
          type: 'future-read',
          txns: [txnRef(txns, t, 'T1')],
          key,
          mop: mopOf(i),
          element: e,
          explanation: `T1 read ${show(e)} in ${keyName(key)} before it appended ${show(e)} itself`,
        }))
      }
    }
    if (appends) {
      luKey.push(k)
      luLen.push(len)
      luTxn.push(t)
    }
  }

  // --- ww edges along each key's order, then to the appends no read saw
  const lastObserved = new Int32Array(nKeys).fill(-1)
  for (let k = 0; k < nKeys; k++) {
    const L = orderOf(k)
    const len = orderLen(k)
    let prev = -1
    for (let i = 0; i < len; i++) {
      const x = writerOf(k, L[i])
      if (x < 0 || type[appendTxn[x]!] === FAIL) continue
      const w = appendTxn[x]!
      if (prev >= 0) edges.add(prev, w, WW)
      prev = w
    }
    lastObserved[k] = prev
    if (prev >= 0) for (let u = unobservedStart[k]!; u < unobservedStart[k + 1]!; u++) edges.add(prev, unobservedTxn[u]!, WW)
  }

  lostUpdates(txns, cases, luKey, luLen, luTxn, (k, len) => orderOf(k).slice(0, len))

  const open = openAppends(txns, appendTxn, appendMop, appendPos, lastObserved)

  const explain: EdgeExplainer = (from, to, rel) => {
    if (rel === WR) {
      for (let i = readStart[to]!; i < readStart[to + 1]!; i++) {
        const len = readLen[i]!
        const k = readKey[i]!
        if (len > 0 && owner(writerOf(k, readList[i]![len - 1])) === from) return { key: txns.keys[k], value: readList[i]![len - 1] }
      }
    } else if (rel === RW) {
      for (let i = readStart[from]!; i < readStart[from + 1]!; i++) {
        const k = readKey[i]!
        const len = readLen[i]!
        if (len < 0) continue
        const seen = len > 0 ? readList[i]![len - 1] : null
        if (len < orderLen(k)) {
          const next = orderOf(k)[len]
          if (owner(writerOf(k, next)) === to) return { key: txns.keys[k], value: seen, value2: next }
        } else {
          const v = appendedBy(to, k)
          if (v !== undefined) return { key: txns.keys[k], value: seen, value2: v }
        }
      }
    } else if (rel === WW) {
      const list = mops(to)
      const base = mopStart[to]!
      for (let j = 0; j < list.length; j++) {
        if (!mopWrite[base + j]) continue
        const k = mopKey[base + j]!
        const x = writerOf(k, list[j]![2])
        const L = orderOf(k)
        let p = appendPos[x]! < 0 ? orderLen(k) - 1 : appendPos[x]! - 1
        while (p >= 0 && (writerOf(k, L[p]) < 0 || type[appendTxn[writerOf(k, L[p])]!] === FAIL)) p--
        if (p >= 0 && owner(writerOf(k, L[p])) === from) return { key: txns.keys[k], value: L[p], value2: list[j]![2] }
      }
    }
    return undefined
  }
  return { explain, open }

  function owner(x: number): number {
    return x < 0 ? -1 : appendTxn[x]!
  }
  function appendedBy(t: number, k: number): unknown {
    const list = mops(t)
    const base = mopStart[t]!
    for (let j = 0; j < list.length; j++) {
      if (mopWrite[base + j] && mopKey[base + j] === k && appendPos[writerOf(k, list[j]![2])] === -1) return list[j]![2]
    }
    return undefined
  }
}

/**
 * The appends no read observed, as open orders: per key, one version per
 * transaction that certainly committed (ok, or indeterminate with an append some
 * read observed), holding its unread appends to the key. Nothing orders them
 * but the transaction of the last observed append, whose own later appends come
 * first (anything else between its appends would be a write cycle).
 */
function openAppends(txns: Txns, appendTxn: Int32Array, appendMop: Int32Array, appendPos: Int32Array, lastObserved: Int32Array): KeyVersions[] {
  const { type, mopKey, mopValue } = txns
  const observed = new Uint8Array(txns.n)
  for (let x = 0; x < appendTxn.length; x++) if (appendPos[x]! >= 0) observed[appendTxn[x]!] = 1
  const byKey = new Map<number, KeyVersions>()
  // Appends are numbered in transaction order, so one transaction's appends to a key are consecutive among that key's.
  const lastTxn = new Map<number, number>()
  for (let x = 0; x < appendTxn.length; x++) {
    const t = appendTxn[x]!
    if (appendPos[x]! >= 0 || type[t] === FAIL || (type[t] !== OK && !observed[t])) continue
    const k = mopKey[appendMop[x]!]!
    const value = mopValue[appendMop[x]!]
    let kv = byKey.get(k)
    if (!kv) byKey.set(k, (kv = { key: k, writer: [], first: [], last: [], readers: [], known: [] }))
    if (lastTxn.get(k) === t) {
      kv.last[kv.last.length - 1] = value
      continue
    }
    lastTxn.set(k, t)
    kv.writer.push(t)
    kv.first.push(value)
    kv.last.push(value)
    kv.readers.push([])
  }
  const out: KeyVersions[] = []
  for (const kv of byKey.values()) {
    if (kv.writer.length < 2) continue
    const g = kv.writer.indexOf(lastObserved[kv.key]!)
    if (g >= 0) for (let h = 0; h < kv.writer.length; h++) if (h !== g) kv.known.push([g, h, 0])
    out.push(kv)
  }
  return out
}

function isLastWriteOfKey(mopKey: Int32Array, mopWrite: Uint8Array, base: number, m: number, j: number): boolean {
  const k = mopKey[base + j]
  for (let i = j + 1; i < m; i++) if (mopWrite[base + i] && mopKey[base + i] === k) return false
  return true
}

function isPrefix(R: readonly unknown[], len: number, L: readonly unknown[], Llen: number): boolean {
  if (R === L) return len <= Llen
  if (len > Llen) return false
  for (let i = 0; i < len; i++) if (R[i] !== L[i]) return false
  return true
}

const INCONSISTENT = -2

/**
 * The length of the external part of read j of committed txn t (what the key
 * held before the transaction); -1 when the read is not external (an earlier
 * read of the key already gave it); INCONSISTENT when it contradicts the
 * transaction's own earlier operations on the key (an internal anomaly,
 * reported here).
 */
function externalLength(txns: Txns, cases: Cases, t: number, j: number, R: readonly unknown[]): number {
  const list = txns.mops(t)
  const base = txns.mopStart[t]!
  const k = txns.mopKey[base + j]
  let first = true
  for (let i = 0; i < j && first; i++) if (txns.mopKey[base + i] === k) first = false
  if (first) return R.length
  let earlier = false
  let known: unknown[] | undefined
  const suffix: unknown[] = []
  for (let i = 0; i < j; i++) {
    if (txns.mopKey[base + i] !== k) continue
    earlier = true
    const v = txns.mopValue[base + i]
    if (txns.mopWrite[base + i]) {
      if (known) known.push(v)
      else suffix.push(v)
    } else {
      known = Array.isArray(v) ? [...(v as unknown[])] : []
      suffix.length = 0
    }
  }
  if (!earlier) return R.length
  const consistent = known
    ? known.length === R.length && known.every((v, i) => v === R[i])
    : R.length >= suffix.length && suffix.every((v, i) => v === R[R.length - suffix.length + i])
  if (!consistent) {
    const expected = known ?? ['...', ...suffix]
    const key = list[j]![1]
    const mop = list[j]!
    cases.add('internal', () => ({
      type: 'internal',
      txns: [txnRef(txns, t, 'T1')],
      key,
      mop,
      expected,
      explanation: `T1 read ${keyName(key)} = ${show(R)}, but its own earlier operations on ${keyName(key)} imply ${show(expected)}`,
    }))
    return INCONSISTENT
  }
  return known ? -1 : R.length - suffix.length
}

/** G1a, garbage and repeated elements in one read (only reads that reach such an element get here). */
function readAnomalies(
  txns: Txns,
  cases: Cases,
  t: number,
  k: number,
  mop: unknown[],
  R: readonly unknown[],
  len: number,
  writerOf: (k: number, e: unknown) => number,
  appendTxn: Int32Array,
): void {
  const key = txns.keys[k]
  const seen = new Map<unknown, number>()
  for (let i = 0; i < len; i++) {
    const e = R[i]
    seen.set(e, (seen.get(e) ?? 0) + 1)
    const x = writerOf(k, e)
    if (x < 0) {
      cases.add('garbage-read', () => ({
        type: 'garbage-read',
        txns: [txnRef(txns, t, 'T1')],
        key,
        mop,
        element: e,
        explanation: `T1 read ${show(e)} in ${keyName(key)}, which no transaction appended`,
      }))
    } else if (txns.type[appendTxn[x]!] === FAIL) {
      const w = appendTxn[x]!
      cases.add('G1a', () => ({
        type: 'G1a',
        txns: [txnRef(txns, t, 'T1'), txnRef(txns, w, 'T2')],
        key,
        mop,
        element: e,
        explanation: `T1 read ${show(e)} in ${keyName(key)}, appended by T2, which failed (an aborted read)`,
      }))
    }
  }
  const duplicates = [...seen].filter(([, c]) => c > 1)
  if (duplicates.length > 0) {
    cases.add('duplicate-elements', () => ({
      type: 'duplicate-elements',
      txns: [txnRef(txns, t, 'T1')],
      key,
      mop,
      duplicates: Object.fromEntries(duplicates.map(([e, c]) => [String(e), c])),
      explanation: `T1 read ${keyName(key)} = ${show(R.slice(0, len))}: ${duplicates.map(([e, c]) => `${show(e)} appears ${c} times`).join(', ')}, but every value is appended once`,
    }))
  }
}

/**
 * Two committed transactions that read the same version of a key and both
 * wrote it: each wrote without seeing the other's write. Shared by both data
 * models: `version(k, len)` shows the version read.
 */
export function lostUpdates(
  txns: Txns,
  cases: Cases,
  keys: number[],
  versions: number[],
  readers: number[],
  version: (k: number, v: number) => unknown,
): void {
  // Grouped by (key, version) with two counting sorts: no object per reader.
  const n = keys.length
  if (n < 2) return
  const byVersion = countingOrder(versions, Int32Array.from({ length: n }, (_, i) => i))
  const order = countingOrder(keys, byVersion)
  for (let i = 0; i < n; ) {
    const first = order[i]!
    let j = i + 1
    while (j < n && keys[order[j]!] === keys[first] && versions[order[j]!] === versions[first]) j++
    if (j - i >= 2) {
      const group = [...new Set(Array.from(order.subarray(i, j), (x) => readers[x]!))].sort((a, b) => a - b)
      if (group.length >= 2) {
        const k = keys[first]!
        const v = version(k, versions[first]!)
        const key = txns.keys[k]
        cases.add('lost-update', () => ({
          type: 'lost-update',
          key,
          value: v,
          txns: group.slice(0, 8).map((t, m) => txnRef(txns, t, `T${m + 1}`)),
          explanation: `${group.length} transactions (${group
            .slice(0, 8)
            .map((_, m) => `T${m + 1}`)
            .join(', ')}) read ${keyName(key)} = ${show(v)} and each then wrote ${keyName(key)}: each write was made without seeing the others`,
        }))
      }
    }
    i = j
  }
}

/** `items` reordered stably by `by[item]` (small non-negative integers). */
function countingOrder(by: number[], items: Int32Array): Int32Array {
  let max = 0
  for (let i = 0; i < items.length; i++) max = Math.max(max, by[items[i]!]!)
  const start = new Int32Array(max + 2)
  for (let i = 0; i < items.length; i++) start[by[items[i]!]! + 1]!++
  for (let v = 0; v <= max; v++) start[v + 1]! += start[v]!
  const out = new Int32Array(items.length)
  for (let i = 0; i < items.length; i++) out[start[by[items[i]!]!]!++] = items[i]!
  return out
}
