/**
 * The request helper of the public API: one client operation, tried one or
 * more times against a system, completed `ok`, `fail` or `info` by one rule.
 *
 * A history is only as good as its `fail`s: `fail` says the operation
 * certainly had no effect, and a checker believes it. Whatever may have
 * reached the system and been applied (a timeout, a reset connection, a
 * server error) must be `info`. Your attempt function says what one attempt
 * got; `performRequest` applies the rule and decides whether to ask again:
 *
 *   the attempt resolved { type: 'ok', value }              → ok
 *   it resolved { type: 'refused', retry }: the system
 *     turned it down before changing anything               → try again ('now', or
 *                                                             'later' after a back-off),
 *                                                             or fail ('never')
 *   it resolved { type: 'unknown' }: it may have applied    → info (a read: try again);
 *     with a `value`, the info completion carries it: what the client learned
 *     before the answer was lost (a dequeue's message whose acknowledgement
 *     went unconfirmed), so a checker can tell which value it may have taken
 *   it threw NoAnswer(sent = false): the request certainly
 *     never left (connection refused, aborted before send)  → try again after a back-off
 *   it threw NoAnswer(sent = true), or anything else         → info (a read: try again)
 *
 * A read-only operation (`readOnly`) changes nothing, so it is never `info`:
 * whatever happened to it, it had no effect, and it may be asked again.
 * An `idempotent` one (the system keeps what a request id did, and answers
 * that request again from its record, as the bundled servers' dequeues) may
 * be asked again after an unknown outcome too; once one attempt may have
 * taken effect, the operation ends `ok` or `info`, never `fail`.
 * Retries happen only after an attempt that certainly had no effect (or, for
 * an idempotent operation, one whose outcome is unknown), at most
 * MAX_ATTEMPTS in all (an idempotent operation that may have taken effect:
 * until the deadline), never past the deadline or the runner's abort signal;
 * when they run out the operation is `fail` with the last attempt's reason
 * (`info` when one of them may have taken effect).
 *
 *     invoke(op, signal) {
 *       return performRequest(op, { signal, node: this.node, readOnly: op.f === 'read' }, async ({ signal, deadline }) => {
 *         const answer = await requestJson({ node: this.node, host: this.host, port: 7300, path: '/read', body: { key }, signal, deadline })
 *         return answer.ok ? { type: 'ok', value: [key, answer.value] } : { type: 'unknown', error: String(answer.error) }
 *       })
 *     }
 */
import type { Invocation } from '../core/generator/types.js'
import type { Completion } from '../core/op.js'

export const MAX_ATTEMPTS = 5
/** The wait before retry n (1, 2, ...), in ms. */
export const backoffMs = (n: number): number => Math.min(50 * n, 250)
/** The deadline when the caller gives none: the runner's --op-timeout aborts `signal` sooner by default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

/** Thrown by an attempt that got no answer; `sent` says whether the request may have reached the system. */
export class NoAnswer extends Error {
  constructor(
    /** False only when the request certainly never reached a server (connection refused, aborted before sending). */
    readonly sent: boolean,
    message: string,
    /** The node it was meant for. */
    readonly node?: string,
  ) {
    super(message)
    this.name = 'NoAnswer'
  }
}

/** What one answer says about the operation. */
export type AttemptOutcome =
  | { type: 'ok'; value?: unknown; node?: string }
  /** Certainly not applied. `retry`: 'now' when the answer named another node to ask, 'later' to ask again after a back-off, 'never' when asking again cannot help. */
  | { type: 'refused'; error: string; retry: 'now' | 'later' | 'never'; node?: string }
  /** May have taken effect (or may yet). `value`: what the attempt learned before its answer was lost (the info completion's value; the invocation's when absent). */
  | { type: 'unknown'; error: string; node?: string; value?: unknown }

export interface RequestAttempt {
  /** 1 for the first attempt. */
  n: number
  /** Aborts when the runner gives up on the operation: pass it to your request. */
  signal: AbortSignal
  /** Date.now() by which the attempt must be answered. */
  deadline: number
}

export interface PerformRequestOptions {
  /** The runner's abort signal (the second argument of `Client.invoke`). */
  signal: AbortSignal
  /** The node named in the completion when no attempt names one. */
  node: string
  /** The operation changes nothing (a read): it is never `info`, and any attempt may be retried. */
  readOnly: boolean
  /** Asked again, it cannot take effect twice (the system answers a repeat from a record of the first): an unknown outcome is retried too, and the operation then ends ok or info. */
  idempotent?: boolean
  /** Date.now() after which no attempt starts and none waits for an answer; default now + timeoutMs. */
  deadline?: number
  /** Used when no deadline is given (default 10 s). */
  timeoutMs?: number
}

/** Runs `attempt` under the rule and the retry policy above; the completion it gives is final. */
export async function performRequest(op: Invocation, options: PerformRequestOptions, attempt: (a: RequestAttempt) => Promise<AttemptOutcome>): Promise<Completion> {
  const { signal, readOnly } = options
  const idempotent = options.idempotent === true && !readOnly
  const deadline = options.deadline ?? Date.now() + (options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)
  let node = options.node
  /** An attempt of an idempotent operation whose outcome is unknown: it may have taken effect. */
  let uncertain: Extract<AttemptOutcome, { type: 'unknown' }> | undefined
  const done = (type: Completion['type'], error: string, value: unknown = op.value): Completion =>
    type === 'fail' && uncertain ? { type: 'info', value: 'value' in uncertain ? uncertain.value : op.value, node, error: uncertain.error } : { type, value, node, error }
  let lastError = 'aborted before sending'
  for (let n = 1; ; n++) {
    // Every attempt so far certainly had no effect (or, idempotent, may be asked again), and nothing is in flight.
    if (signal.aborted) return done('fail', lastError)
    let outcome: AttemptOutcome
    try {
      outcome = await attempt({ n, signal, deadline })
    } catch (err) {
      outcome = outcomeOfNoAnswer(err)
    }
    node = outcome.node ?? node
    if (outcome.type === 'ok') return { type: 'ok', value: outcome.value, node }
    if (outcome.type === 'unknown' && idempotent) uncertain = outcome
    else if (outcome.type === 'unknown' && !readOnly) return done('info', outcome.error, 'value' in outcome ? outcome.value : op.value)
    if (outcome.type === 'refused' && outcome.retry === 'never') return done('fail', outcome.error)
    lastError = outcome.error
    const wait = outcome.type === 'refused' && outcome.retry === 'now' ? 0 : backoffMs(n)
    // An idempotent operation that may have taken effect keeps asking until the deadline: only an answer tells what it did.
    if ((n >= MAX_ATTEMPTS && !uncertain) || Date.now() + wait >= deadline) return done('fail', lastError)
    if (!(await pause(wait, signal))) return done('fail', lastError)
  }
}

function outcomeOfNoAnswer(err: unknown): AttemptOutcome {
  if (err instanceof NoAnswer) {
    return err.sent ? { type: 'unknown', error: err.message, node: err.node } : { type: 'refused', error: err.message, retry: 'later', node: err.node }
  }
  return { type: 'unknown', error: String((err as Error)?.message ?? err) }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal.aborted)
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
