/**
 * The request helper's rule and retry policy (attempts, back-off, deadline,
 * abort), over literal outcomes: one per attempt, or an error to throw.
 */
import { describe, expect, it } from 'vitest'
import type { Invocation } from '../../../core/generator/types.js'
import { backoffMs, MAX_ATTEMPTS, NoAnswer, performRequest, type AttemptOutcome } from '../../../targets/request-outcome.js'

const op = (f: string, value: unknown): Invocation => ({ type: 'invoke', f, value, process: 0, time: 0 })
const never = new AbortController().signal

/** Runs `performRequest` over a literal list of outcomes (or errors to throw), one per attempt; counts the attempts. */
async function performOver(
  steps: (AttemptOutcome | Error)[],
  options: { readOnly?: boolean; idempotent?: boolean; signal?: AbortSignal; deadlineMs?: number } = {},
): Promise<{ completion: Awaited<ReturnType<typeof performRequest>>; attempts: number; ms: number }> {
  let attempts = 0
  const started = Date.now()
  const completion = await performRequest(
    op(options.readOnly ? 'read' : 'write', ['k', 1]),
    { signal: options.signal ?? never, deadline: started + (options.deadlineMs ?? 10_000), readOnly: options.readOnly ?? false, idempotent: options.idempotent ?? false, node: 'n1' },
    async () => {
      const step = steps[Math.min(attempts++, steps.length - 1)]!
      if (step instanceof Error) throw step
      return step
    },
  )
  return { completion, attempts, ms: Date.now() - started }
}

const refusedLater: AttemptOutcome = { type: 'refused', error: 'not-leader', retry: 'later' }


describe('performRequest (the outcome rule and the retry policy)', () => {
  it('ok at once: one attempt', async () => {
    const r = await performOver([{ type: 'ok', value: ['k', 1], node: 'n3' }])
    expect(r.completion).toEqual({ type: 'ok', value: ['k', 1], node: 'n3' })
    expect(r.attempts).toBe(1)
  })

  it('an outcome that may have taken effect is info and is never retried', async () => {
    const r = await performOver([{ type: 'unknown', error: 'internal', node: 'n2' }, { type: 'ok' }])
    expect(r.completion).toEqual({ type: 'info', value: ['k', 1], node: 'n2', error: 'internal' })
    expect(r.attempts).toBe(1)
    const sent = await performOver([new NoAnswer(true, 'ECONNRESET: socket hang up', 'n2'), { type: 'ok' }])
    expect([sent.completion.type, sent.completion.error, sent.attempts]).toEqual(['info', 'ECONNRESET: socket hang up', 1])
    const thrown = await performOver([new Error('boom'), { type: 'ok' }])
    expect([thrown.completion.type, thrown.attempts]).toEqual(['info', 1])
  })

  it('an unknown outcome that learned a value (a dequeue that received a message, then lost the answer to its ack) is info carrying that value', async () => {
    const r = await performOver([{ type: 'unknown', error: 'no answer after the ack', value: 42 }, { type: 'ok' }])
    expect(r.completion).toEqual({ type: 'info', value: 42, node: 'n1', error: 'no answer after the ack' })
    expect(r.attempts).toBe(1)
  })

  it('a final refusal is fail without a retry', async () => {
    const r = await performOver([{ type: 'refused', error: 'cas-mismatch', retry: 'never' }, { type: 'ok' }])
    expect(r.completion).toEqual({ type: 'fail', value: ['k', 1], node: 'n1', error: 'cas-mismatch' })
    expect(r.attempts).toBe(1)
  })

  it('retries after attempts that certainly had no effect (a redirect, a request that never left), after a back-off', async () => {
    const r = await performOver([refusedLater, new NoAnswer(false, 'connection to n1 refused', 'n1'), { type: 'ok', value: 'v' }])
    expect(r.completion).toMatchObject({ type: 'ok', value: 'v' })
    expect(r.attempts).toBe(3)
    expect(r.ms).toBeGreaterThanOrEqual(backoffMs(1) + backoffMs(2) - 5)
  })

  it('follows a redirect to another node at once', async () => {
    const r = await performOver([{ ...refusedLater, retry: 'now' }, { ...refusedLater, retry: 'now' }, { type: 'ok' }])
    expect(r.attempts).toBe(3)
    expect(r.ms).toBeLessThan(backoffMs(1))
  })

  it(`gives up after ${MAX_ATTEMPTS} attempts that had no effect, as fail with the last reason`, async () => {
    const r = await performOver([{ type: 'refused', error: 'unavailable', retry: 'later', node: 'n4' }])
    expect(r.completion).toEqual({ type: 'fail', value: ['k', 1], node: 'n4', error: 'unavailable' })
    expect(r.attempts).toBe(MAX_ATTEMPTS)
  })

  it('never waits past its deadline', async () => {
    const r = await performOver([refusedLater], { deadlineMs: 120 })
    expect(r.completion).toMatchObject({ type: 'fail', error: 'not-leader' })
    expect(r.ms).toBeLessThan(120)
    expect(r.attempts).toBeLessThan(MAX_ATTEMPTS)
  })

  it('stops at once when the runner aborts during a back-off, as fail: nothing was in flight', async () => {
    const r = await performOver([refusedLater], { signal: AbortSignal.timeout(30) })
    expect(r.completion).toMatchObject({ type: 'fail', error: 'not-leader' })
    expect(r.attempts).toBe(1)
    expect(r.ms).toBeLessThan(backoffMs(1))
  })

  it('a read changes nothing: it is never info, and any failed attempt may be retried', async () => {
    const r = await performOver([{ type: 'unknown', error: 'proxy-failed' }, new NoAnswer(true, 'ECONNRESET'), { type: 'ok', value: 7 }], { readOnly: true })
    expect(r.completion).toMatchObject({ type: 'ok', value: 7 })
    expect(r.attempts).toBe(3)
    const never = await performOver([{ type: 'unknown', error: 'timeout' }], { readOnly: true })
    expect(never.completion).toMatchObject({ type: 'fail', error: 'timeout' })
    expect(never.attempts).toBe(MAX_ATTEMPTS)
  })
})

describe('performRequest defaults', () => {
  it('idempotent: an unknown outcome is asked again, and the answer to the repeat is the operation\'s', async () => {
    const unknown: AttemptOutcome = { type: 'unknown', error: 'proxy-failed', node: 'n2' }
    const r = await performOver([unknown, new NoAnswer(true, 'socket hang up'), { type: 'ok', value: 7, node: 'n3' }], { idempotent: true })
    expect(r.completion).toEqual({ type: 'ok', value: 7, node: 'n3' })
    expect(r.attempts).toBe(3)
  })

  it('idempotent: once an attempt may have taken effect, running out of attempts, time or a final refusal is info, not fail', async () => {
    const unknown: AttemptOutcome = { type: 'unknown', error: 'proxy-failed' }
    // It keeps asking past MAX_ATTEMPTS, until the deadline: only an answer can tell what it did.
    const out = await performOver([unknown, refusedLater], { idempotent: true, deadlineMs: 1500 })
    expect(out.completion).toMatchObject({ type: 'info', error: 'proxy-failed', value: ['k', 1] })
    expect(out.attempts).toBeGreaterThan(MAX_ATTEMPTS)
    expect(out.ms).toBeLessThan(1500 + 1000) // the deadline, and a late timer under load
    const refused = await performOver([unknown, { type: 'refused', error: 'type-mismatch', retry: 'never' }], { idempotent: true })
    expect(refused.completion).toMatchObject({ type: 'info', error: 'proxy-failed' })
    const late = await performOver([unknown], { idempotent: true, deadlineMs: 30 })
    expect(late.completion).toMatchObject({ type: 'info' })
    const aborted = new AbortController()
    const stopped = performOver([unknown], { idempotent: true, signal: aborted.signal })
    aborted.abort()
    expect((await stopped).completion).toMatchObject({ type: 'info' })
    // Before any unknown outcome it is the ordinary rule: refusals end fail.
    expect((await performOver([{ type: 'refused', error: 'type-mismatch', retry: 'never' }], { idempotent: true })).completion).toMatchObject({ type: 'fail' })
  })

  it('without a deadline it takes timeoutMs from now', async () => {
    const started = Date.now()
    const completion = await performRequest(op('write', ['k', 1]), { signal: never, readOnly: false, node: 'n1', timeoutMs: 120 }, async () => refusedLater)
    expect(completion).toMatchObject({ type: 'fail', error: 'not-leader' })
    expect(Date.now() - started).toBeLessThan(120)
  })
})
