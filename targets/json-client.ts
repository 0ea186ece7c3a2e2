/**
 * The dstest side of the bundled key-value servers' client API (it runs in
 * dstest, not in the nodes): what each answer of a bundled server means, for
 * the public request helper (`performRequest`, ./request-outcome.ts), and the
 * register operations as requests. raft-kv and chain-kv both use it; they use
 * the public helpers for everything else, as a user's target would.
 *
 *   an answer that says ok                                  → ok
 *   an answer that refused it before anything changed
 *     (not-leader, not-head, not-tail, unavailable)         → refused; may retry
 *   an answer that turned it down with no effect
 *     (cas-mismatch, type-mismatch, bad-request)            → refused, no retry (fail)
 *   any other answer (timeout, internal, an unknown name)   → unknown (info)
 */
import { NoAnswer, type AttemptOutcome, type Invocation } from '../index.js'
import { effectOf } from './server-kit/replies.js'

/**
 * The bundled servers' answer (`{ ok: true, value? }` or `{ ok: false, error, ... }`,
 * server-kit/replies.ts) as an AttemptOutcome; `value` maps the answer's value to the
 * completion's. A redirect is retried later; the caller may make it 'now'.
 */
export function kvOutcome(reply: unknown, node: string, value: (v: unknown) => unknown): AttemptOutcome {
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
