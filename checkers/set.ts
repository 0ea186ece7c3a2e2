/**
 * The set checker (Jepsen's set-full): clients add unique elements to a set and
 * read the whole set, often. Every element gets one outcome:
 *
 * - `stable`: known to exist (its add was acknowledged, or a read saw it), and
 *   present in the last read that began after that;
 * - `lost`: known to exist, and missing from the last read that began after
 *   that (a set only grows, so it was dropped);
 * - `never-read`: known to exist, but no read began after that;
 * - `unexpected`: present in a read although no one added it, its add failed
 *   (certainly did not happen), or the read ended before the add began;
 * - `indeterminate`: its add was never acknowledged and no read saw it (it may
 *   never have happened; not an anomaly).
 *
 * and may also be:
 *
 * - `stale`: a read that began after it was known did not contain it, although
 *   the last read does (slow to appear; an anomaly only under linearizability);
 * - `recovered`: present in a read although its add was never acknowledged
 *   (info or still pending: a legal outcome);
 * - `duplicated`: some read held it more than once (a set holds each element once).
 *
 * "After" is history order: a read that began after the acknowledgement (or
 * after the end of the read that first saw the element) is invoked later in
 * the history. Invalid when an element is lost, unexpected or duplicated (and,
 * with `linearizable`, stale); otherwise unknown when no element is stable (no
 * read completed, nothing was added, or every element was never read). For each stable element the latency from its add's invocation to the
 * completion of the first read from which on every read held it is reported as
 * quantiles.
 *
 * Values: `add` e and `read` → [e, ...]; with `independent`, `add` [k, e] and
 * `read` [k, null] → [k, [e, ...]], each key its own set.
 *
 * It folds (set-fold.ts): per element what decides its fate, not the ops.
 */
import { pairOps, type Op } from '../core/op.js'
import type { CheckResult, Checker, CheckerFold } from './checker.js'
import { SetFold } from './set-fold.js'

export interface SetCheckerOptions {
  /** Values are [key, v]: each key is its own set. */
  independent?: boolean
  /** A stale read makes the history invalid (linearizability forbids them). Default false. */
  linearizable?: boolean
}

export type ElementOutcome = 'stable' | 'lost' | 'never-read' | 'unexpected' | 'indeterminate'

export interface ElementFate {
  key: unknown
  element: unknown
  outcome: ElementOutcome
  stale: boolean
  recovered: boolean
  duplicated: boolean
  /** How its add ended; 'none' when no one invoked it, 'pending' when the history ends first. */
  add: 'ok' | 'fail' | 'info' | 'pending' | 'none'
  /** History index of the add's invocation. */
  addIndex?: number
  /** Nanoseconds: the add's invocation. */
  addTime?: number
  /** History index at which it became known to exist (ack or end of the first read that saw it). */
  knownIndex?: number
  /** Stable: ns from the add's invocation to the end of the first read from which on every read held it. */
  stableLatency?: number
  /** Lost: history index of the last read's completion, which missed it. */
  missedBy?: number
  /** Lost: history index of the completion of the last read that still held it, if any. */
  lastSeen?: number
  /** Unexpected: why. */
  reason?: string
}

export interface SetAnalysis {
  fates: ElementFate[]
  keys: number
  reads: number
  attempted: number
  acknowledged: number
}

export interface LatencyQuantiles {
  min: number
  p50: number
  p95: number
  p99: number
  max: number
}

export interface SetResult extends CheckResult {
  checker: 'set'
  independent: boolean
  linearizable: boolean
  keys: number
  attempted: number
  acknowledged: number
  reads: number
  counts: Record<ElementOutcome | 'stale' | 'recovered' | 'duplicated', number>
  /** Up to 10 elements of each kind (as [key, element] with `independent`). */
  examples: Partial<Record<'lost' | 'unexpected' | 'duplicated' | 'stale' | 'never-read' | 'recovered', unknown[]>>
  /** Milliseconds from add to first stable read; null when no element was stable. */
  stableLatencyMs: LatencyQuantiles | null
}

const EXAMPLES = 10

/** A malformed op: the checker says unknown and names it. */
export class SetHistoryError extends Error {}

interface Read {
  invokeIndex: number
  completeIndex: number
  completeTime: number
  elements: readonly unknown[]
}

interface Add {
  element: unknown
  type: ElementFate['add']
  invokeIndex: number
  invokeTime: number
  completeIndex?: number
}

interface KeyHistory {
  key: unknown
  adds: Map<string, Add>
  reads: Read[]
}

function keyed(op: Op, independent: boolean, what: string): [unknown, unknown] {
  if (!independent) return [null, op.value]
  if (!Array.isArray(op.value) || op.value.length !== 2) {
    throw new SetHistoryError(`op ${op.index} (${op.f}) has value ${JSON.stringify(op.value)}, expected [key, ${what}]`)
  }
  return [op.value[0], op.value[1]]
}

/** Splits the client ops by key (one key when not independent), pairing invocations with completions. */
function byKey(history: readonly Op[], independent: boolean): KeyHistory[] {
  const keys = new Map<string, KeyHistory>()
  const forKey = (key: unknown): KeyHistory => {
    const id = JSON.stringify(key) ?? 'null'
    let k = keys.get(id)
    if (!k) keys.set(id, (k = { key, adds: new Map(), reads: [] }))
    return k
  }
  for (const { invoke, complete } of pairOps(history)) {
    if (invoke.process === 'nemesis') continue
    if (invoke.f === 'add') {
      const [key, element] = keyed(invoke, independent, 'element')
      const type = complete ? (complete.type as 'ok' | 'fail' | 'info') : 'pending'
      const add: Add = { element, type, invokeIndex: invoke.index, invokeTime: invoke.time }
      if (complete) add.completeIndex = complete.index
      forKey(key).adds.set(JSON.stringify(element) ?? 'null', add)
    } else if (invoke.f === 'read' && complete?.type === 'ok') {
      const [key, elements] = keyed(complete, independent, '[elements]')
      if (!Array.isArray(elements)) {
        throw new SetHistoryError(`read at index ${complete.index} returned ${JSON.stringify(elements)}, expected a list of elements`)
      }
      forKey(key).reads.push({ invokeIndex: invoke.index, completeIndex: complete.index, completeTime: complete.time, elements })
    }
  }
  return [...keys.values()]
}

/** The first position in `reads` (sorted by invocation) invoked after history index `after`. */
function firstReadAfter(reads: readonly Read[], after: number): number {
  let lo = 0
  let hi = reads.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (reads[mid]!.invokeIndex > after) hi = mid
    else lo = mid + 1
  }
  return lo
}

function analyseKey(k: KeyHistory, out: ElementFate[]): void {
  const reads = k.reads // pairOps yields them in invocation order
  const last = reads.length - 1
  // Positions (in `reads`) of the reads holding each element, ascending; and elements seen twice in one read.
  const presence = new Map<string, { element: unknown; at: number[] }>()
  const duplicated = new Set<string>()
  reads.forEach((read, i) => {
    const seen = new Set<string>()
    for (const e of read.elements) {
      const id = JSON.stringify(e) ?? 'null'
      if (seen.has(id)) {
        duplicated.add(id)
        continue
      }
      seen.add(id)
      let p = presence.get(id)
      if (!p) presence.set(id, (p = { element: e, at: [] }))
      p.at.push(i)
    }
  })
  const ids = new Set([...k.adds.keys(), ...presence.keys()])
  for (const id of ids) {
    const add = k.adds.get(id)
    const at = presence.get(id)?.at ?? []
    const fate: ElementFate = {
      key: k.key,
      element: add ? add.element : presence.get(id)!.element,
      outcome: 'indeterminate',
      stale: false,
      recovered: false,
      duplicated: duplicated.has(id),
      add: add ? add.type : 'none',
    }
    if (add) {
      fate.addIndex = add.invokeIndex
      fate.addTime = add.invokeTime
    }
    out.push(fate)
    let firstSeen = Infinity
    for (const i of at) firstSeen = Math.min(firstSeen, reads[i]!.completeIndex)
    if (at.length > 0 && (!add || add.type === 'fail' || firstSeen < add.invokeIndex)) {
      fate.outcome = 'unexpected'
      fate.reason = !add
        ? 'no one added it'
        : add.type === 'fail'
          ? `its add failed (op ${add.completeIndex}), yet a read returned it`
          : `a read that ended (op ${firstSeen}) before its add began (op ${add.invokeIndex}) returned it`
      continue
    }
    fate.recovered = at.length > 0 && add !== undefined && add.type !== 'ok'
    const known = Math.min(add?.type === 'ok' && add.completeIndex !== undefined ? add.completeIndex : Infinity, firstSeen)
    if (known === Infinity) continue // indeterminate
    fate.knownIndex = known
    const from = firstReadAfter(reads, known)
    if (from > last) {
      fate.outcome = 'never-read'
      continue
    }
    const heldAfter = at.length - firstReadAfterIn(at, from)
    if (at[at.length - 1] !== last) {
      fate.outcome = 'lost'
      fate.missedBy = reads[last]!.completeIndex
      const seen = at[at.length - 1]
      if (seen !== undefined) fate.lastSeen = reads[seen]!.completeIndex
      continue
    }
    fate.outcome = 'stable'
    fate.stale = heldAfter < reads.length - from
    // The first read of the unbroken run of reads holding it up to the last one.
    let s = at.length - 1
    while (s > 0 && at[s - 1] === at[s]! - 1) s--
    if (add) fate.stableLatency = Math.max(0, reads[at[s]!]!.completeTime - add.invokeTime)
  }
}

/** How many entries of ascending `at` are below `from`. */
function firstReadAfterIn(at: readonly number[], from: number): number {
  let lo = 0
  let hi = at.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (at[mid]! >= from) hi = mid
    else lo = mid + 1
  }
  return lo
}

/** Every element's fate (pure; throws SetHistoryError on a malformed op). */
export function analyseSet(history: readonly Op[], options: SetCheckerOptions = {}): SetAnalysis {
  const keys = byKey(history, options.independent ?? false)
  const fates: ElementFate[] = []
  for (const k of keys) analyseKey(k, fates)
  let attempted = 0
  let acknowledged = 0
  let reads = 0
  for (const k of keys) {
    attempted += k.adds.size
    for (const a of k.adds.values()) if (a.type === 'ok') acknowledged++
    reads += k.reads.length
  }
  return { fates, keys: keys.length, reads, attempted, acknowledged }
}

/** Nearest-rank quantiles of a non-empty list. */
export function quantiles(values: readonly number[]): LatencyQuantiles {
  const s = [...values].sort((a, b) => a - b)
  const at = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!
  return { min: s[0]!, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1]! }
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 40 ? `${s.slice(0, 37)}...` : s
}

/** Counts, examples and stable latencies, taken fate by fate (in the order `analyseSet` lists them). */
class SetTally {
  readonly counts: SetResult['counts'] = { stable: 0, lost: 0, 'never-read': 0, unexpected: 0, indeterminate: 0, stale: 0, recovered: 0, duplicated: 0 }
  readonly examples: SetResult['examples'] = {}
  readonly latencies: number[] = []

  constructor(private readonly independent: boolean) {}

  add(f: ElementFate): void {
    this.counts[f.outcome]++
    if (f.outcome === 'lost' || f.outcome === 'unexpected' || f.outcome === 'never-read') this.note(f.outcome, f)
    for (const flag of ['stale', 'recovered', 'duplicated'] as const) {
      if (!f[flag]) continue
      this.counts[flag]++
      this.note(flag, f)
    }
    if (f.stableLatency !== undefined) this.latencies.push(f.stableLatency / 1e6)
  }

  private note(kind: keyof SetResult['examples'], f: ElementFate): void {
    const list = (this.examples[kind] ??= [])
    if (list.length < EXAMPLES) list.push(this.independent ? [f.key, f.element] : f.element)
  }
}

type SetTotals = Omit<SetAnalysis, 'fates'>

function setResult(t: SetTally, a: SetTotals, independent: boolean, linearizable: boolean): SetResult {
  const { counts, examples } = t
  const bad: string[] = []
  const list = (kind: keyof SetResult['examples']): string => ` (e.g. ${(examples[kind] ?? []).slice(0, 3).map(show).join(', ')})`
  if (counts.lost) bad.push(`${counts.lost} element(s) lost: known to exist, then missing from the last read${list('lost')}`)
  if (counts.unexpected) bad.push(`${counts.unexpected} unexpected element(s): read although no add of them succeeded${list('unexpected')}`)
  if (counts.duplicated) bad.push(`${counts.duplicated} element(s) duplicated within a read${list('duplicated')}`)
  if (linearizable && counts.stale) bad.push(`${counts.stale} stale element(s): missing from a read that began after they were known${list('stale')}`)
  const tally = `${counts.stable} stable, ${counts.lost} lost, ${counts.stale} stale, ${counts['never-read']} never read, ${counts.recovered} recovered, ${counts.unexpected} unexpected, ${counts.duplicated} duplicated of ${a.acknowledged}/${a.attempted} acknowledged adds; ${a.reads} reads${independent ? ` over ${a.keys} key(s)` : ''}`
  let valid: SetResult['valid']
  let summary: string
  if (bad.length > 0) {
    valid = false
    summary = `${bad.join('; ')} (${tally})`
  } else if (a.reads === 0) {
    valid = 'unknown'
    summary = `no read completed, so nothing could be judged (${tally})`
  } else if (counts.stable === 0) {
    valid = 'unknown'
    summary = `no element was confirmed by a later read, so nothing could be judged (${tally})`
  } else {
    valid = true
    summary = tally
  }
  return {
    valid,
    summary,
    checker: 'set',
    independent,
    linearizable,
    keys: a.keys,
    attempted: a.attempted,
    acknowledged: a.acknowledged,
    reads: a.reads,
    counts,
    examples,
    stableLatencyMs: t.latencies.length > 0 ? quantiles(t.latencies) : null,
  }
}

const cannotCheck = (message: string): CheckResult => ({ valid: 'unknown', summary: `cannot check: ${message}`, checker: 'set' })

export function setChecker(options: SetCheckerOptions = {}): Checker {
  const independent = options.independent ?? false
  const linearizable = options.linearizable ?? false
  return {
    name: 'set',
    check(history): CheckResult {
      let a: SetAnalysis
      try {
        a = analyseSet(history, options)
      } catch (e) {
        if (e instanceof SetHistoryError) return cannotCheck(e.message)
        throw e
      }
      const tally = new SetTally(independent)
      for (const f of a.fates) tally.add(f)
      return setResult(tally, a, independent, linearizable)
    },
    fold(): CheckerFold {
      const fold = new SetFold(options)
      return {
        add: (op) => fold.add(op),
        finish(): CheckResult {
          const done = fold.finish()
          if ('error' in done) return cannotCheck(done.error)
          const tally = new SetTally(independent)
          for (const f of done.fates()) tally.add(f)
          return setResult(tally, done, independent, linearizable)
        },
      }
    },
  }
}
