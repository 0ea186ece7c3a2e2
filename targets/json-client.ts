/**
 * The client side of the bundled key-value targets (it runs in dstest, not in
 * the nodes): one JSON request over HTTP/1.1 keep-alive with a deadline and the
 * runner's abort signal, the one rule that turns what came back into `ok`,
 * `fail` or `info`, and the one retry policy. Both raft-kv and chain-kv use it.
 *
 * The rule (DESIGN.md: `fail` only when the operation certainly had no effect)
 * looks at each attempt:
 *
 *   an answer that says ok                                  → ok
 *   an answer that refused it before anything changed
 *     (not-leader, not-head, not-tail, unavailable)         → not applied; may retry
 *   an answer that turned it down with no effect
 *     (cas-mismatch, type-mismatch, bad-request)            → fail, no retry
 *   any other answer (timeout, internal, an unknown name)   → info
 *   no answer, and the request certainly never left
 *     (connection refused, aborted before sending)          → not applied; may retry
 *   no answer after it may have left (timeout, reset,
 *     abort in flight, an unreadable answer)                → info
 *
 * An operation that only reads (`readOnly`) changes nothing, so it never
 * completes `info`: whatever happened, it had no effect, and it may be retried.
 *
 * Retries: only after an attempt that certainly had no effect (so every attempt
 * before the last one had none), at most MAX_ATTEMPTS in all, after a short
 * back-off (none when the answer named another node to ask), and never past
 * the request's deadline or the runner's abort signal. When they run out the
 * operation completes `fail` with the last attempt's reason.
 *
 * `perform` is that rule and that policy for any request/answer protocol: an
 * attempt resolves with an `Outcome` for the answer it got, or rejects (a
 * `NoAnswer` says whether the request may have left; anything else counts as
 * maybe sent).
 */
import { request, type Agent } from 'node:http'
import type { Invocation } from '../core/generator/types.js'
import type { Completion } from '../core/op.js'
import { effectOf } from './server-kit/replies.js'

export const MAX_ATTEMPTS = 5
/** The wait before retry n (1, 2, ...), in ms. */
export const backoffMs = (n: number): number => Math.min(50 * n, 250)

export class NoAnswer extends Error {
  constructor(
    /** False when the request certainly never reached a server. */
    readonly sent: boolean,
    message: string,
    /** The node it was meant for. */
    readonly node?: string,
  ) {
    super(message)
  }
}

/** What one answer says about the operation. */
export type Outcome =
  | { type: 'ok'; value?: unknown; node?: string }
  /** Certainly not applied. `retry`: 'now' when the answer named another node to ask, 'later' to ask again after a back-off, 'never' when asking again cannot help. */
  | { type: 'refused'; error: string; retry: 'now' | 'later' | 'never'; node?: string }
  /** May have taken effect (or may yet). */
  | { type: 'unknown'; error: string; node?: string }

export interface Attempt {
  /** 1 for the first attempt. */
  n: number
  signal: AbortSignal
  /** Date.now() by which the attempt must be answered. */
  deadline: number
}

export interface PerformOptions {
  signal: AbortSignal
  /** Date.now() after which no attempt starts and none waits for an answer. */
  deadline: number
  /** The operation changes nothing (a read). */
  readOnly: boolean
  /** The node named in the completion when no attempt names one. */
  node: string
}

/** Runs `attempt` under the rule and the retry policy above; the completion it gives is final. */
export async function perform(op: Invocation, options: PerformOptions, attempt: (a: Attempt) => Promise<Outcome>): Promise<Completion> {
  const { signal, deadline, readOnly } = options
  let node = options.node
  const done = (type: Completion['type'], error: string): Completion => ({ type, value: op.value, node, error })
  let lastError = 'aborted before sending'
  for (let n = 1; ; n++) {
    // Every attempt so far certainly had no effect, and nothing is in flight.
    if (signal.aborted) return done('fail', lastError)
    let outcome: Outcome
    try {
      outcome = await attempt({ n, signal, deadline })
    } catch (err) {
      outcome = outcomeOfNoAnswer(err)
    }
    node = outcome.node ?? node
    if (outcome.type === 'ok') return { type: 'ok', value: outcome.value, node }
    if (outcome.type === 'unknown' && !readOnly) return done('info', outcome.error)
    if (outcome.type === 'refused' && outcome.retry === 'never') return done('fail', outcome.error)
    lastError = outcome.error
    const wait = outcome.type === 'refused' && outcome.retry === 'now' ? 0 : backoffMs(n)
    if (n >= MAX_ATTEMPTS || Date.now() + wait >= deadline) return done('fail', lastError)
    if (!(await pause(wait, signal))) return done('fail', lastError)
  }
}

function outcomeOfNoAnswer(err: unknown): Outcome {
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

/**
 * The bundled servers' answer (`{ ok: true, value? }` or `{ ok: false, error, ... }`,
 * server-kit/replies.ts) as an Outcome; `value` maps the answer's value to the
 * completion's. A redirect is retried later; the caller may make it 'now'.
 */
export function kvOutcome(reply: unknown, node: string, value: (v: unknown) => unknown): Outcome {
  const r = reply as { ok?: unknown; value?: unknown; error?: unknown } | null
  if (typeof r?.ok !== 'boolean') throw new NoAnswer(true, `answer from ${node} without an ok field`, node)
  if (r.ok) return { type: 'ok', value: value(r.value), node }
  const error = String(r.error)
  switch (effectOf(error)) {
    case 'redirect':
      return { type: 'refused', error, retry: 'later', node }
    case 'no-effect':
      return { type: 'refused', error, retry: 'never', node }
    default:
      return { type: 'unknown', error, node }
  }
}

export interface JsonEndpoint {
  /** The node's name, for messages. */
  name: string
  host: string
  port: number
}

/** Sends one request and resolves with the parsed JSON answer, whatever its HTTP status; rejects with NoAnswer. */
export function requestJson(agent: Agent, to: JsonEndpoint, method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal, deadline: number): Promise<unknown> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new NoAnswer(false, 'aborted before sending', to.name))
    const req = request({
      host: to.host,
      port: to.port,
      path,
      method,
      agent,
      headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
    })
    const waitMs = Math.max(1, deadline - Date.now())
    const fail = (e: NoAnswer): void => {
      cleanup()
      req.destroy()
      reject(e)
    }
    const onAbort = (): void => fail(new NoAnswer(true, 'aborted: no answer in time', to.name))
    const timer = setTimeout(() => fail(new NoAnswer(true, `no answer from ${to.name} in ${waitMs} ms`, to.name)), waitMs)
    signal.addEventListener('abort', onAbort, { once: true })
    function cleanup(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    }
    req.on('error', (err: NodeJS.ErrnoException) => {
      cleanup()
      const refused = err.code === 'ECONNREFUSED'
      reject(new NoAnswer(!refused, refused ? `connection to ${to.name} refused` : `${err.code ?? 'error'}: ${err.message}`, to.name))
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', () => undefined) // surfaces as the request's 'error'
      res.on('end', () => {
        cleanup()
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        } catch {
          reject(new NoAnswer(true, `unreadable answer from ${to.name} (HTTP ${res.statusCode})`, to.name))
        }
      })
    })
    req.end(payload)
  })
}

export interface KvRequest {
  path: string
  body: unknown
  /** The completion's value from the server's answer. */
  answer(value: unknown): unknown
}

/**
 * read [k, null], write [k, v], cas [k, [from, to]] and, where the target has
 * it, append [k, v]; undefined for anything else (the client fails it).
 */
export function kvRequest(op: Invocation, options: { append: boolean }): KvRequest | undefined {
  const v = op.value
  if (!Array.isArray(v) || v.length !== 2) return undefined
  const [key, arg] = v as [unknown, unknown]
  switch (op.f) {
    case 'read':
      return { path: '/kv/read', body: { key }, answer: (value) => [key, value ?? null] }
    case 'write':
      return { path: '/kv/write', body: { key, value: arg }, answer: () => v }
    case 'append':
      return options.append ? { path: '/kv/append', body: { key, value: arg }, answer: () => v } : undefined
    case 'cas':
      if (!Array.isArray(arg) || arg.length !== 2) return undefined
      return { path: '/kv/cas', body: { key, from: arg[0], to: arg[1] }, answer: () => v }
    default:
      return undefined
  }
}
