/**
 * Independent keys (values `[key, v]`, generators/independent.ts) in a history
 * on disk, for checkers that judge each key on its own.
 *
 * A first pass (`add`, op by op) keeps, per key, only the stretches of
 * positions that hold its ops: a new stretch starts when the key has no op
 * open and none in the last `gap` positions. A second pass (`batches`) reads
 * those stretches back, a batch of whole keys at a time, so a checker holds
 * one batch and a few numbers per key, never the history.
 *
 * A completion belongs to the key of its process's open invocation; ops of
 * the nemesis belong to no key. Keys are the same when their JSON is; an
 * invocation without a key (`keyOf` gives undefined) belongs to one more key.
 */
import type { Op, Process } from '../op.js'
import type { HistorySource, PositionRange } from './source.js'

export interface KeyIndexOptions {
  /** Positions a key may be idle before its next op starts a new stretch. Default 4,096. */
  gap?: number
  /** Stretches a key keeps at most; more are merged pairwise (read through the gaps). Default 64. */
  maxStretches?: number
}

interface Key {
  ops: number
  /** Invocations not completed yet. */
  open: number
  /** [from, to, from, to, ...], ascending. */
  stretches: number[]
}

const NO_KEY = '\u0000no key'

/** How keys are compared: by their JSON; every invocation without a key shares one more. */
export function idOf(key: unknown): string {
  return key === undefined ? NO_KEY : (JSON.stringify(key) ?? NO_KEY)
}

export class KeyIndex {
  private readonly byId = new Map<string, Key>()
  private readonly open = new Map<Process, Key>()
  private position = 0
  private readonly gap: number
  private readonly maxStretches: number

  constructor(
    private readonly keyOf: (invocation: Op) => unknown,
    options: KeyIndexOptions = {},
  ) {
    this.gap = options.gap ?? 4096
    this.maxStretches = Math.max(1, options.maxStretches ?? 64)
  }

  /** Keys seen so far. */
  get size(): number {
    return this.byId.size
  }

  /** Notes the next op of the history (the first pass). */
  add(op: Op): void {
    const at = this.position++
    if (typeof op.process !== 'number') return
    if (op.type === 'invoke') {
      if (this.open.has(op.process)) throw new Error(`op ${at}: process ${op.process} invokes while its previous operation is open`)
      const id = idOf(this.keyOf(op))
      let key = this.byId.get(id)
      if (!key) this.byId.set(id, (key = { ops: 0, open: 0, stretches: [] }))
      const s = key.stretches
      if (key.open === 0 && (s.length === 0 || at - s[s.length - 1]! > this.gap)) {
        s.push(at, at)
        if (s.length > 2 * this.maxStretches) mergePairs(s)
      } else s[s.length - 1] = at
      key.open++
      key.ops++
      this.open.set(op.process, key)
      return
    }
    const key = this.open.get(op.process)
    if (!key) throw new Error(`op ${at}: process ${op.process} completes an operation it never invoked`)
    this.open.delete(op.process)
    key.open--
    key.ops++
    key.stretches[key.stretches.length - 1] = at
  }

  /**
   * The second pass, planned: whole keys, in the order of their first
   * invocation, about `maxOps` ops a batch, each batch with the ranges of
   * positions that hold its keys' ops.
   */
  *plan(maxOps: number): Generator<KeyBatch> {
    let ids: string[] = []
    let stretches: number[] = []
    let ops = 0
    for (const [id, key] of this.byId) {
      ids.push(id)
      stretches.push(...key.stretches)
      ops += key.ops
      if (ops >= maxOps) {
        yield { ids, ranges: mergeRanges(stretches, this.gap), ops }
        ids = []
        stretches = []
        ops = 0
      }
    }
    if (ids.length > 0) yield { ids, ranges: mergeRanges(stretches, this.gap), ops }
  }

  /** The second pass: each batch of `plan(maxOps)` read back from `source`, which must hold the ops `add` saw. */
  async *batches(source: HistorySource, maxOps: number): AsyncGenerator<Op[]> {
    for (const batch of this.plan(maxOps)) yield await readKeyBatch(source, batch, this.keyOf)
  }
}

/** Some whole keys of a history, and where their ops are. Plain data (it may go to another thread). */
export interface KeyBatch {
  /** The keys, by their JSON (see `idOf`). */
  ids: string[]
  ranges: PositionRange[]
  /** How many ops the keys have. */
  ops: number
}

/** The ops of `batch`'s keys, in history order, read from `source` (with the `keyOf` the index was built with). */
export async function readKeyBatch(source: HistorySource, batch: KeyBatch, keyOf: (invocation: Op) => unknown): Promise<Op[]> {
  const ids = new Set(batch.ids)
  const out: Op[] = []
  const open = new Set<Process>()
  for await (const block of source.ranges(batch.ranges)) {
    for (const op of block) {
      if (typeof op.process !== 'number') continue
      if (op.type === 'invoke') {
        if (!ids.has(idOf(keyOf(op)))) continue
        open.add(op.process)
        out.push(op)
      } else if (open.delete(op.process)) out.push(op)
    }
  }
  return out
}

/** Halves a stretch list by joining neighbours: [a, b, c, d] → [a, d]. */
function mergePairs(s: number[]): void {
  let w = 0
  for (let r = 0; r < s.length; r += 4) {
    s[w++] = s[r]!
    s[w++] = r + 3 < s.length ? s[r + 3]! : s[r + 1]!
  }
  s.length = w
}

/**
 * Flat [from, to, ...] stretches of several keys as sorted ranges, joining
 * those less than `join` positions apart (reading through a short gap is
 * cheaper than starting again).
 */
function mergeRanges(flat: readonly number[], join: number): PositionRange[] {
  const pairs: [number, number][] = []
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!])
  pairs.sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const [from, to] of pairs) {
    const last = out[out.length - 1]
    if (last && from <= last[1] + join) last[1] = Math.max(last[1], to)
    else out.push([from, to])
  }
  return out
}
