/**
 * The queue checker (Jepsen's total queue): clients enqueue unique values and
 * dequeue them; at the end the queue is drained (dequeues until one finds it
 * empty, or Jepsen's `drain` op that returns everything left). Every value
 * acknowledged into the queue must come out exactly once:
 *
 * - `lost`: acknowledged, never dequeued, although the queue was later seen
 *   empty (an ok dequeue of nothing, or an ok drain, invoked after the ack);
 * - `unexpected`: dequeued although no one tried to enqueue it, or its enqueue
 *   failed (certainly did not happen);
 * - `duplicated`: dequeued more than once (legal with `atLeastOnce`, for queues
 *   that promise at-least-once delivery, as Jepsen's total queue treats them);
 * - `recovered`: dequeued although its enqueue timed out (a legal outcome);
 * - `unconfirmed`: acknowledged, never dequeued, and the queue was never seen
 *   empty afterwards: it may still be queued (not drained), so not judged;
 * - `maybe-taken`: never dequeued by an ok dequeue, but received by a dequeue
 *   that ended `info` with the value it received (its client got the value and
 *   then lost the answer to its acknowledgement): delivered, so not lost, and
 *   if it also came out elsewhere that is a redelivery, not a duplicate.
 *
 * A dequeue that timed out without saying what it received may have taken a
 * value: lost values are reported as an anomaly only when there are more of
 * them than such dequeues (and never after a drain that timed out); otherwise
 * the verdict is unknown. Invalid on lost, unexpected or (unless `atLeastOnce`)
 * duplicated values. An info completion that carries its invocation's own
 * value (the runner's timeout, or a client's, repeats it) received nothing.
 *
 * Dequeues whose outcome was learned later: on targets whose dequeues carry a
 * request id (the invocation's value, a string) and that answer
 * `settle-dequeues` (raft-kv, chain-kv: server-kit/kv-store.ts), an ok
 * settle-dequeues returns `{request: value}` for every request that took a
 * value, and ends the others for good (applied later, they take nothing). A
 * dequeue with a request id that ended info or never completed then counts as
 * what the settle says: a dequeue of that value (a duplicate or an unexpected
 * value like any other), or of nothing. It is uncertain only when no
 * settle-dequeues completed ok. Histories without settle-dequeues (Jepsen's,
 * RabbitMQ's) are judged as before. Dequeues that carry the same request id
 * are one request, which the target answers alike each time (its first
 * application's outcome): its take counts once, and one of them answered ok
 * tells what the others that timed out did.
 *
 * With `fifo` (for queues that promise order), the history is also checked for
 * linearizability against the FIFO queue model of checkers/linearizability:
 * each `drain` becomes one dequeue per value it returned and a final dequeue of
 * nothing, in the drain's place (which needs no other operation to overlap it).
 *
 * Values: `enqueue` v; `dequeue` null (or a request id) → v, or null when empty;
 * `drain` null → [v, ...]; `settle-dequeues` null → {request: v, ...}.
 */
import { pairOps, type Op, type OpPair } from '../core/op.js'
import type { CheckResult, Checker } from './checker.js'
import { linearizable, type LinearizableResult } from './linearizable.js'

export interface QueueCheckerOptions {
  /** The queue promises at-least-once delivery: duplicates are reported, not an anomaly (as Jepsen's total queue). Default false. */
  atLeastOnce?: boolean
  /** Also check FIFO order (linearizability against the queue model). Default false. */
  fifo?: boolean
  /** Seconds before the FIFO search gives up with unknown (default 60). */
  fifoTimeLimitSeconds?: number
}

export type QueueFinding = 'lost' | 'unexpected' | 'duplicated' | 'recovered' | 'unconfirmed' | 'maybe-taken'

export interface QueueResult extends CheckResult {
  checker: 'queue'
  attempted: number
  acknowledged: number
  /** Values that came out, counting repeats. */
  dequeued: number
  counts: Record<QueueFinding, number>
  /** Up to 10 values of each finding. */
  examples: Partial<Record<QueueFinding, unknown[]>>
  /** Dequeues and drains whose outcome is unknown (info or never completed), not counting those learned from a settle. */
  uncertainDequeues: number
  /** Dequeues that ended info or never completed whose outcome an ok settle-dequeues told: `took` of them took a value. */
  learnedDequeues: { count: number; took: number }
  /** The FIFO check, with `fifo`. */
  fifo?: Pick<LinearizableResult, 'valid' | 'summary' | 'explanation'>
}

const EXAMPLES = 10

interface Enqueue {
  value: unknown
  type: 'ok' | 'fail' | 'info' | 'pending'
  completeIndex?: number
}

export function queueChecker(options: QueueCheckerOptions = {}): Checker {
  return {
    name: 'queue',
    async check(history, context): Promise<CheckResult> {
      const enqueues = new Map<string, Enqueue>()
      const dequeued = new Map<string, { value: unknown; times: number }>()
      /** History indexes at which the queue was seen empty (invocations of ok empty dequeues and drains). */
      const empty: number[] = []
      /** info/pending dequeues that did not say what they received. */
      let uncertain = 0
      /** Values received by dequeues that ended info (see `maybe-taken`). */
      const received = new Map<string, unknown>()
      let receivedOps = 0
      let uncertainDrain = false
      let out = 0
      const take = (v: unknown): void => {
        const id = JSON.stringify(v) ?? 'null'
        const d = dequeued.get(id)
        if (d) d.times++
        else dequeued.set(id, { value: v, times: 1 })
        out++
      }
      const pairs = pairOps(history).filter((p) => p.invoke.process !== 'nemesis')
      const { records: settled, disagree } = settledRequests(pairs)
      const learned = { count: 0, took: 0 }
      /** Requests some dequeue got an ok answer for. */
      const answered = new Set(pairs.filter((p) => p.invoke.f === 'dequeue' && typeof p.invoke.value === 'string' && p.complete?.type === 'ok').map((p) => p.invoke.value as string))
      /** Request → the value its first ok answer took (JSON): the same answer again is the same take. */
      const counted = new Map<string, string>()
      for (const { invoke, complete } of pairs) {
        const type = complete ? (complete.type as 'ok' | 'fail' | 'info') : 'pending'
        if (invoke.f === 'enqueue') {
          const e: Enqueue = { value: invoke.value, type }
          if (complete) e.completeIndex = complete.index
          enqueues.set(JSON.stringify(invoke.value) ?? 'null', e)
        } else if (invoke.f === 'dequeue' || invoke.f === 'drain') {
          if (type === 'info' || type === 'pending') {
            const request = invoke.f === 'dequeue' && typeof invoke.value === 'string' ? invoke.value : undefined
            if (request !== undefined && answered.has(request)) {
              learned.count++ // its request was answered ok elsewhere: that answer counts its take
              continue
            }
            if (request !== undefined && settled) {
              learned.count++
              if (settled.has(request)) {
                learned.took++
                take(settled.get(request))
              }
              continue
            }
            const said = type === 'info' ? complete!.value : null
            const seen = said === undefined || JSON.stringify(said) === JSON.stringify(invoke.value) ? null : said
            if (invoke.f === 'drain') uncertainDrain = true
            else if (seen === null || seen === undefined) uncertain++
            else {
              received.set(JSON.stringify(seen), seen)
              receivedOps++
            }
            continue
          }
          if (type !== 'ok') continue
          const v = complete!.value
          if (invoke.f === 'drain') {
            if (!Array.isArray(v)) return { valid: 'unknown', summary: `cannot check: drain at index ${complete!.index} returned ${JSON.stringify(v)}, expected a list`, checker: 'queue' }
            v.forEach(take)
            empty.push(invoke.index)
          } else if (v === null || v === undefined) empty.push(invoke.index)
          else if (typeof invoke.value === 'string' && counted.get(invoke.value) === JSON.stringify(v)) continue // the same request answered again
          else {
            if (typeof invoke.value === 'string') counted.set(invoke.value, JSON.stringify(v))
            take(v)
          }
        }
      }
      const lastEmpty = empty.reduce((a, b) => Math.max(a, b), -1)
      const counts: Record<QueueFinding, number> = { lost: 0, unexpected: 0, duplicated: 0, recovered: 0, unconfirmed: 0, 'maybe-taken': 0 }
      const examples: QueueResult['examples'] = {}
      const note = (kind: QueueFinding, v: unknown): void => {
        counts[kind]++
        const list = (examples[kind] ??= [])
        if (list.length < EXAMPLES) list.push(v)
      }
      let acknowledged = 0
      for (const [id, e] of enqueues) {
        const d = dequeued.get(id)
        const seen = received.has(id)
        if (e.type === 'ok') acknowledged++
        if ((d || seen) && e.type !== 'ok' && e.type !== 'fail') note('recovered', e.value)
        if (!d && seen && e.type === 'ok') note('maybe-taken', e.value)
        if (d || seen || e.type !== 'ok') continue
        if (e.completeIndex !== undefined && lastEmpty > e.completeIndex) note('lost', e.value)
        else note('unconfirmed', e.value)
      }
      for (const [id, d] of dequeued) {
        const e = enqueues.get(id)
        if (!e || e.type === 'fail') note('unexpected', d.value)
        if (d.times > 1) note('duplicated', d.value)
      }
      for (const [id, v] of received) {
        const e = enqueues.get(id)
        if (!dequeued.has(id) && (!e || e.type === 'fail')) note('unexpected', v)
      }
      const show = (kind: QueueFinding): string => ` (e.g. ${(examples[kind] ?? []).slice(0, 3).map((v) => JSON.stringify(v)).join(', ')})`
      const bad: string[] = []
      const doubt: string[] = []
      if (counts.lost) {
        const text = `${counts.lost} acknowledged value(s) never dequeued though the queue was later empty${show('lost')}`
        if (uncertainDrain) doubt.push(`${text}, but a drain timed out and may have taken them`)
        else if (counts.lost <= uncertain) doubt.push(`${text}, but ${uncertain} dequeue(s) timed out and may have taken them`)
        else bad.push(`${text}${uncertain ? `; at most ${uncertain} of them taken by dequeues that timed out` : ''}`)
      }
      if (counts.unexpected) bad.push(`${counts.unexpected} unexpected value(s): dequeued but never (successfully) enqueued${show('unexpected')}`)
      if (counts.duplicated && !options.atLeastOnce) bad.push(`${counts.duplicated} value(s) dequeued more than once${show('duplicated')}`)
      if (disagree.length) bad.push(`settle-dequeues answered differently for ${disagree.length} request(s) (e.g. ${disagree.slice(0, 3).map((r) => JSON.stringify(r)).join(', ')})`)
      if (counts.unconfirmed) doubt.push(`${counts.unconfirmed} acknowledged value(s) never dequeued, and the queue was not seen empty after them (not drained?)${show('unconfirmed')}`)
      const takes = receivedOps ? `, ${receivedOps} received by dequeues that then timed out (${counts['maybe-taken']} of them dequeued nowhere else)` : ''
      const settledTally = learned.count ? ` (${learned.took} of them by ${learned.count} dequeue(s) that timed out, as settle-dequeues told)` : ''
      const tally = `${acknowledged}/${enqueues.size} enqueues acknowledged, ${out} dequeued${settledTally}${takes}, ${counts.recovered} recovered${options.atLeastOnce ? `, ${counts.duplicated} duplicated (allowed: at least once)` : ''}`
      const result: QueueResult = {
        valid: bad.length ? false : doubt.length || enqueues.size === 0 ? 'unknown' : true,
        summary: bad.length || doubt.length ? `${[...bad, ...doubt].join('; ')} (${tally})` : enqueues.size === 0 ? `nothing was enqueued, so nothing could be judged (${tally})` : `every acknowledged value dequeued ${options.atLeastOnce ? 'at least once' : 'exactly once'} (${tally})`,
        checker: 'queue',
        attempted: enqueues.size,
        acknowledged,
        dequeued: out,
        counts,
        examples,
        uncertainDequeues: uncertain + receivedOps + (uncertainDrain ? 1 : 0),
        learnedDequeues: learned,
      }
      if (options.fifo) {
        const fifo = await checkFifo(history, context, options.fifoTimeLimitSeconds ?? 60)
        result.fifo = fifo
        if (fifo.valid === false) {
          result.valid = false
          result.summary = `not FIFO: ${fifo.summary}; ${result.summary}`
        } else if (fifo.valid === 'unknown' && result.valid === true) {
          result.valid = 'unknown'
          result.summary = `FIFO order undecided: ${fifo.summary}; ${result.summary}`
        } else if (fifo.valid === true && result.valid === true) {
          result.summary = (result.summary ?? '').replace('exactly once', 'exactly once, in FIFO order')
        }
      }
      return result
    },
  }
}

/**
 * What the ok settle-dequeues of a history told: request id → the value it
 * took (requests that took nothing are absent), or undefined when none
 * completed ok; and the requests two answers disagree on (each answer holds
 * every record, and the first one fences the rest, so they never differ on a
 * correct system). A disagreement is reported, and the first answer believed.
 */
function settledRequests(pairs: readonly OpPair[]): { records: Map<string, unknown> | undefined; disagree: string[] } {
  let records: Map<string, unknown> | undefined
  const disagree = new Set<string>()
  const settles = pairs.filter((p) => p.invoke.f === 'settle-dequeues' && p.complete?.type === 'ok').sort((a, b) => a.complete!.index - b.complete!.index)
  for (const { complete } of settles) {
    const v = complete!.value
    if (v === null || typeof v !== 'object' || Array.isArray(v)) continue
    const answer = new Map(Object.entries(v))
    if (records === undefined) {
      records = answer
      continue
    }
    for (const [request, value] of answer) if (!records.has(request) || JSON.stringify(records.get(request)) !== JSON.stringify(value)) disagree.add(request)
    for (const request of records.keys()) if (!answer.has(request)) disagree.add(request)
  }
  return { records, disagree: [...disagree] }
}

/** The history with each drain replaced by single dequeues, or why that cannot be done. */
export function expandDrains(history: readonly Op[]): Op[] | string {
  const pairs = pairOps(history).filter((p) => p.invoke.process !== 'nemesis' && ['enqueue', 'dequeue', 'drain'].includes(p.invoke.f))
  const drains = pairs.filter((p) => p.invoke.f === 'drain')
  if (drains.length === 0) return history.filter((op) => op.process !== 'nemesis' && ['enqueue', 'dequeue'].includes(op.f))
  const replace = new Map<number, Op[]>()
  const drop = new Set<number>()
  for (const d of drains) {
    if (d.complete?.type !== 'ok') {
      if (d.complete?.type === 'fail') continue
      return `drain at index ${d.invoke.index} did not complete, so what it took is unknown`
    }
    const { invoke, complete } = d
    const overlap = pairs.find((p) => p !== d && p.complete?.type === 'ok' && p.invoke.index < complete.index && p.complete.index > invoke.index)
    if (overlap) return `drain at index ${invoke.index} overlaps op ${overlap.invoke.index}, so its dequeues cannot be placed in order`
    const values = complete.value as unknown[]
    const ops: Op[] = []
    for (const v of [...values, null]) {
      ops.push({ ...invoke, f: 'dequeue', value: null }, { ...complete, f: 'dequeue', value: v })
    }
    drop.add(invoke.index)
    replace.set(complete.index, ops)
  }
  const out: Op[] = []
  for (const op of history) {
    if (drop.has(op.index)) continue
    const ops = replace.get(op.index)
    if (ops) out.push(...ops)
    else if (op.process !== 'nemesis' && (op.f === 'enqueue' || op.f === 'dequeue')) out.push(op)
  }
  return out.map((op, index) => ({ ...op, index }))
}

async function checkFifo(history: readonly Op[], context: Parameters<Checker['check']>[1], timeLimitSeconds: number): Promise<NonNullable<QueueResult['fifo']>> {
  const ops = expandDrains(history)
  if (typeof ops === 'string') return { valid: 'unknown', summary: `cannot check FIFO order: ${ops}` }
  const r = (await linearizable({ model: 'queue', timeLimitSeconds }).check(ops, context)) as LinearizableResult
  const fifo: NonNullable<QueueResult['fifo']> = { valid: r.valid, summary: r.summary ?? '' }
  if (r.explanation) fifo.explanation = r.explanation
  return fifo
}
