/**
 * The set check (set.ts) as a fold over a history, op by op, giving every
 * element the fate `analyseSet` gives it, in the same order.
 *
 * What it keeps, per element (an add or an element some read returned): its
 * add (how it ended, where and when it was invoked) and what the reads said
 * of it so far: the first read that returned it, the last one, and where the
 * unbroken run of reads holding it began. It cannot keep less: an element's
 * fate is decided by the last read of its key, which may come at the very end
 * (the set workload reads every key once more after the faults), so every
 * element stays until then; and the quantiles of the stable latencies need
 * each one. The reads themselves are not kept: each is applied to the
 * elements it returns, then dropped.
 *
 * Reads are applied in the order they were invoked (checkers/invocation-order.ts),
 * since "the last read" and "a read that began after it was known" are
 * defined in that order; a completed read waits only while a read invoked
 * before it is in flight.
 *
 * Why the run is enough (a "run" is the longest stretch of consecutive reads,
 * in invocation order, that each hold the element and end with the last read
 * that did): reads invoked after the element was known form a suffix of the
 * key's reads, so one of them misses the element exactly when the read just
 * before the run was invoked after it was known. That is the element's
 * `stale` flag; the run's first read gives its stable latency.
 */
import type { Op, Process } from '../core/op.js'
import { InvocationOrder } from './invocation-order.js'
import type { ElementFate, SetAnalysis, SetCheckerOptions } from './set.js'

const NONE = -1

/**
 * What identifies an element or key: equal when their JSON is (as check compares
 * them). A finite number is its own id (no string made per element: most
 * elements are numbers); anything else its JSON, which for a string is quoted,
 * so the number 5 and the string "5" stay apart.
 */
function idOf(v: unknown): number | string {
  return typeof v === 'number' && Number.isFinite(v) ? v : (JSON.stringify(v) ?? 'null')
}

/** How the element's add ended (set.ts `ElementFate['add']`). */
type AddType = ElementFate['add']

class ElementState {
  /** History index of its first add's invocation (orders the elements as check does); NONE if never added. */
  firstAdd = NONE
  /** For elements never added: the order in which reads first returned them. */
  seq = 0
  add: AddType = 'none'
  /** The last add invoked: its invocation's index and time, and its completion's index. */
  addInvoke = NONE
  addTime = 0
  addComplete = NONE
  /** The least completion index of a read holding it (NONE: no read did). */
  firstSeen = NONE
  /** Position (among its key's reads, in invocation order) of the last read holding it, and that read's completion index. */
  lastHeld = NONE
  lastHeldComplete = NONE
  /** Its run: the completion time of the run's first read, and the invocation index of the read just before the run (NONE: the run starts at the key's first read). */
  runStartTime = 0
  runPrevInvoke = NONE
  duplicated = false

  /** The value: the last add's (as check keeps it), or the first read's that returned it. */
  constructor(public element: unknown) {}
}

class KeyState {
  /** The history index at which check first meets the key (an add's or an ok read's invocation). */
  firstIndex: number
  readonly elements = new Map<number | string, ElementState>()
  /** Ok reads applied; the last one's invocation and completion indexes. */
  reads = 0
  lastInvoke = NONE
  lastComplete = NONE
  seen = 0

  constructor(
    readonly key: unknown,
    index: number,
  ) {
    this.firstIndex = index
  }
}

interface CompletedRead {
  key: unknown
  elements: readonly unknown[]
  completeIndex: number
  completeTime: number
}

/** What a finished fold holds: the totals, and the fates (computed one at a time, in check's order). */
export interface SetFoldResult extends Omit<SetAnalysis, 'fates'> {
  fates(): Iterable<ElementFate>
}

export interface SetFoldOptions extends SetCheckerOptions {
  /** Which keys to follow, by the order the fold meets them (0, 1, ...); default all. The report samples keys so. */
  keepKey?: (ordinal: number) => boolean
}

export class SetFold {
  private readonly independent: boolean
  private readonly keys = new Map<number | string, KeyState | null>()
  private keyCount = 0
  /** The add each process has in flight: its element and invocation index. */
  private readonly openAdds = new Map<Process, { state: ElementState; invoke: number }>()
  private readonly openReads = new Map<Process, number>()
  private readonly order = new InvocationOrder<CompletedRead>((r, invokeIndex) => this.apply(r, invokeIndex))
  /** The malformed op check would stop at: the one whose invocation comes first. */
  private malformed: { at: number; message: string } | undefined

  constructor(private readonly options: SetFoldOptions = {}) {
    this.independent = options.independent ?? false
  }

  add(op: Op): void {
    if (op.process === 'nemesis') return
    if (op.type === 'invoke') {
      this.openAdds.delete(op.process)
      this.openReads.delete(op.process)
      if (op.f === 'read') {
        this.openReads.set(op.process, op.index)
        this.order.invoked(op.process, op.index)
        return
      }
      this.order.abandon(op.process)
      if (op.f === 'add') this.invokeAdd(op)
      return
    }
    const add = this.openAdds.get(op.process)
    if (add) {
      this.openAdds.delete(op.process)
      // A later add of the same element replaced this one (as in check, the last invoked counts).
      if (add.state.addInvoke === add.invoke) {
        add.state.add = op.type as AddType
        add.state.addComplete = op.index
      }
    }
    const readInvoke = this.openReads.get(op.process)
    this.openReads.delete(op.process)
    this.order.completed(op.process, readInvoke !== undefined && op.type === 'ok' ? this.completedRead(op, readInvoke) : undefined)
  }

  private invokeAdd(op: Op): void {
    const keyed = this.keyed(op, 'element')
    if (!keyed) return
    const k = this.keyFor(keyed[0], op.index)
    if (!k) return
    const id = idOf(keyed[1])
    let e = k.elements.get(id)
    if (!e) k.elements.set(id, (e = new ElementState(keyed[1])))
    if (e.firstAdd === NONE) e.firstAdd = op.index
    e.element = keyed[1]
    e.add = 'pending'
    e.addInvoke = op.index
    e.addTime = op.time
    e.addComplete = NONE
    this.openAdds.set(op.process, { state: e, invoke: op.index })
  }

  private completedRead(op: Op, invokeIndex: number): CompletedRead | undefined {
    const keyed = this.keyed(op, '[elements]', invokeIndex)
    if (!keyed) return undefined
    const [key, elements] = keyed
    if (!Array.isArray(elements)) {
      this.fail(invokeIndex, `read at index ${op.index} returned ${JSON.stringify(elements)}, expected a list of elements`)
      return undefined
    }
    return { key, elements, completeIndex: op.index, completeTime: op.time }
  }

  /** Applies an ok read to the elements it holds: called in invocation order. */
  private apply(r: CompletedRead, invokeIndex: number): void {
    const k = this.keyFor(r.key, invokeIndex)
    if (!k) return
    const p = k.reads
    const seen = new Set<number | string>()
    for (const element of r.elements) {
      const id = idOf(element)
      let e = k.elements.get(id)
      if (seen.has(id)) {
        e!.duplicated = true
        continue
      }
      seen.add(id)
      if (!e) {
        k.elements.set(id, (e = new ElementState(element)))
        e.seq = k.seen++
      }
      if (e.firstSeen === NONE || r.completeIndex < e.firstSeen) e.firstSeen = r.completeIndex
      if (e.lastHeld === NONE || e.lastHeld !== p - 1) {
        e.runStartTime = r.completeTime
        e.runPrevInvoke = p > 0 ? k.lastInvoke : NONE
      }
      e.lastHeld = p
      e.lastHeldComplete = r.completeIndex
    }
    k.reads++
    k.lastInvoke = invokeIndex
    k.lastComplete = r.completeIndex
  }

  private keyed(op: Op, what: string, at = op.index): [unknown, unknown] | undefined {
    if (!this.independent) return [null, op.value]
    if (!Array.isArray(op.value) || op.value.length !== 2) {
      this.fail(at, `op ${op.index} (${op.f}) has value ${JSON.stringify(op.value)}, expected [key, ${what}]`)
      return undefined
    }
    return [op.value[0], op.value[1]]
  }

  private fail(at: number, message: string): void {
    if (!this.malformed || at < this.malformed.at) this.malformed = { at, message }
  }

  /** The key's state; null for a key not followed. */
  private keyFor(key: unknown, index: number): KeyState | null {
    const id = idOf(key)
    let k = this.keys.get(id)
    if (k === undefined) {
      const keep = this.options.keepKey?.(this.keyCount++) ?? true
      this.keys.set(id, (k = keep ? new KeyState(key, index) : null))
    } else if (k && index < k.firstIndex) k.firstIndex = index
    return k
  }

  /** Once every op was added: the totals and fates, or the malformed op check stops at. */
  finish(): SetFoldResult | { error: string } {
    this.order.finish()
    if (this.malformed) return { error: this.malformed.message }
    const keys = [...this.keys.values()].filter((k): k is KeyState => k !== null).sort((a, b) => a.firstIndex - b.firstIndex)
    let reads = 0
    let attempted = 0
    let acknowledged = 0
    for (const k of keys) {
      reads += k.reads
      for (const e of k.elements.values()) {
        if (e.add === 'none') continue
        attempted++
        if (e.add === 'ok') acknowledged++
      }
    }
    return { keys: keys.length, reads, attempted, acknowledged, fates: () => fatesOf(keys) }
  }
}

function* fatesOf(keys: readonly KeyState[]): Iterable<ElementFate> {
  for (const k of keys) {
    // check's order: the added elements by their first add, then those only read, as reads first returned them.
    const elements = [...k.elements.values()].sort((a, b) => (a.firstAdd === NONE ? (b.firstAdd === NONE ? a.seq - b.seq : 1) : b.firstAdd === NONE ? -1 : a.firstAdd - b.firstAdd))
    for (const e of elements) yield fateOf(k, e)
  }
}

function fateOf(k: KeyState, e: ElementState): ElementFate {
  const added = e.add !== 'none'
  const seen = e.lastHeld !== NONE
  const fate: ElementFate = { key: k.key, element: e.element, outcome: 'indeterminate', stale: false, recovered: false, duplicated: e.duplicated, add: e.add }
  if (added) {
    fate.addIndex = e.addInvoke
    fate.addTime = e.addTime
  }
  if (seen && (!added || e.add === 'fail' || e.firstSeen < e.addInvoke)) {
    fate.outcome = 'unexpected'
    fate.reason = !added
      ? 'no one added it'
      : e.add === 'fail'
        ? `its add failed (op ${e.addComplete}), yet a read returned it`
        : `a read that ended (op ${e.firstSeen}) before its add began (op ${e.addInvoke}) returned it`
    return fate
  }
  fate.recovered = seen && added && e.add !== 'ok'
  const known = Math.min(e.add === 'ok' ? e.addComplete : Infinity, seen ? e.firstSeen : Infinity)
  if (known === Infinity) return fate // indeterminate
  fate.knownIndex = known
  if (k.reads === 0 || k.lastInvoke < known) {
    fate.outcome = 'never-read'
    return fate
  }
  if (e.lastHeld !== k.reads - 1) {
    fate.outcome = 'lost'
    fate.missedBy = k.lastComplete
    if (seen) fate.lastSeen = e.lastHeldComplete
    return fate
  }
  fate.outcome = 'stable'
  fate.stale = e.runPrevInvoke !== NONE && e.runPrevInvoke > known
  if (added) fate.stableLatency = Math.max(0, e.runStartTime - e.addTime)
  return fate
}
