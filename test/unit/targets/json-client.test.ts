/**
 * The client side shared by the bundled key-value targets: what a request that
 * got no answer says about its effect, the one rule that turns outcomes into
 * ok / fail / info, the one retry policy (attempts, back-off, deadline, abort),
 * and the op → request mapping. Attempts are literal outcomes, or real HTTP
 * servers on 127.0.0.1.
 */
import { Agent, createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Invocation } from '../../../core/generator/types.js'
import { backoffMs, kvOutcome, kvRequest, MAX_ATTEMPTS, NoAnswer, perform, requestJson, type Outcome } from '../../../targets/json-client.js'

const agent = new Agent({ keepAlive: true })
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ name: string; host: string; port: number }> {
  const s = createServer(handler)
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return { name: 'n1', host: '127.0.0.1', port: (s.address() as AddressInfo).port }
}

async function noAnswer(p: Promise<unknown>): Promise<NoAnswer> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(NoAnswer)
  return e as NoAnswer
}

const op = (f: string, value: unknown): Invocation => ({ type: 'invoke', f, value, process: 0, time: 0 })
const never = new AbortController().signal

/** Runs `perform` over a literal list of outcomes (or errors to throw), one per attempt; counts the attempts. */
async function performOver(
  steps: (Outcome | Error)[],
  options: { readOnly?: boolean; signal?: AbortSignal; deadlineMs?: number } = {},
): Promise<{ completion: Awaited<ReturnType<typeof perform>>; attempts: number; ms: number }> {
  let attempts = 0
  const started = Date.now()
  const completion = await perform(
    op(options.readOnly ? 'read' : 'write', ['k', 1]),
    { signal: options.signal ?? never, deadline: started + (options.deadlineMs ?? 10_000), readOnly: options.readOnly ?? false, node: 'n1' },
    async () => {
      const step = steps[Math.min(attempts++, steps.length - 1)]!
      if (step instanceof Error) throw step
      return step
    },
  )
  return { completion, attempts, ms: Date.now() - started }
}

const refusedLater: Outcome = { type: 'refused', error: 'not-leader', retry: 'later' }

describe('requestJson', () => {
  it('resolves the parsed answer whatever the HTTP status', async () => {
    const to = await serve((req, res) => {
      res.writeHead(409, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: false, error: 'cas-mismatch', path: req.url }))
    })
    expect(await requestJson(agent, to, 'POST', '/kv/cas', { key: 1 }, new AbortController().signal, Date.now() + 2000)).toEqual({ ok: false, error: 'cas-mismatch', path: '/kv/cas' })
  })

  it('never sent (refused, or aborted before sending) is sent=false; no answer in time, an abort in flight or an unreadable answer is sent=true', async () => {
    const refused = await noAnswer(requestJson(agent, { name: 'n9', host: '127.0.0.1', port: 1 }, 'GET', '/status', undefined, new AbortController().signal, Date.now() + 2000))
    expect([refused.sent, refused.message, refused.node]).toEqual([false, 'connection to n9 refused', 'n9'])
    const early = new AbortController()
    early.abort()
    const before = await noAnswer(requestJson(agent, { name: 'n9', host: '127.0.0.1', port: 1 }, 'GET', '/status', undefined, early.signal, Date.now() + 2000))
    expect(before.sent).toBe(false)

    const silent = await serve(() => undefined) // takes the request, never answers
    const late = await noAnswer(requestJson(agent, silent, 'POST', '/kv/write', { key: 1 }, new AbortController().signal, Date.now() + 150))
    expect(late.sent).toBe(true)
    expect(late.message).toMatch(/^no answer from n1 in \d+ ms$/)
    const inFlight = await noAnswer(requestJson(agent, silent, 'POST', '/kv/write', { key: 1 }, AbortSignal.timeout(100), Date.now() + 5000))
    expect([inFlight.sent, inFlight.message]).toEqual([true, 'aborted: no answer in time'])

    const garbled = await serve((_req, res) => res.end('<html>'))
    const unreadable = await noAnswer(requestJson(agent, garbled, 'GET', '/status', undefined, new AbortController().signal, Date.now() + 2000))
    expect([unreadable.sent, unreadable.message]).toEqual([true, 'unreadable answer from n1 (HTTP 200)'])
  })
})

describe('kvOutcome (what a bundled server\'s answer says)', () => {
  const same = (v: unknown): unknown => v
  it('ok is ok, with the completion value the caller derives', () => {
    expect(kvOutcome({ ok: true, value: 3 }, 'n2', (v) => ['k', v])).toEqual({ type: 'ok', value: ['k', 3], node: 'n2' })
  })
  it('a redirect is certainly not applied and worth asking again; a no-effect refusal is final', () => {
    for (const error of ['not-leader', 'not-head', 'not-tail', 'unavailable']) {
      expect(kvOutcome({ ok: false, error }, 'n2', same)).toEqual({ type: 'refused', error, retry: 'later', node: 'n2' })
    }
    for (const error of ['cas-mismatch', 'type-mismatch', 'bad-request']) {
      expect(kvOutcome({ ok: false, error }, 'n2', same)).toEqual({ type: 'refused', error, retry: 'never', node: 'n2' })
    }
  })
  it('an internal error, a timeout, any error it does not know, and an answer without ok leave the effect unknown', () => {
    for (const error of ['internal', 'timeout', 'leadership-lost', 'proxy-failed', 'reconfigured', 'shutting-down', 'something-new']) {
      expect(kvOutcome({ ok: false, error }, 'n2', same)).toEqual({ type: 'unknown', error, node: 'n2' })
    }
    expect(() => kvOutcome({ error: 'x' }, 'n2', same)).toThrow(NoAnswer)
    expect(() => kvOutcome('<html>', 'n2', same)).toThrow(/without an ok field/)
  })
})

describe('perform (the outcome rule and the retry policy)', () => {
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

  it('over real HTTP: an internal error (HTTP 500) is info, redirects are retried until ok', async () => {
    const internal = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: false, error: 'internal', leader: 'n1', message: 'log.jsonl: EFBIG: file too large, write' }))
    })
    let asked = 0
    const moving = await serve((_req, res) => {
      asked += 1
      res.end(JSON.stringify(asked < 3 ? { ok: false, error: 'not-leader', leader: null } : { ok: true }))
    })
    const write = (to: { name: string; host: string; port: number }) =>
      perform(op('write', ['k', 1]), { signal: never, deadline: Date.now() + 5000, readOnly: false, node: to.name }, async ({ signal, deadline }) =>
        kvOutcome(await requestJson(agent, to, 'POST', '/kv/write', { key: 'k', value: 1 }, signal, deadline), to.name, () => ['k', 1]),
      )
    expect(await write(internal)).toEqual({ type: 'info', value: ['k', 1], node: 'n1', error: 'internal' })
    expect(await write(moving)).toEqual({ type: 'ok', value: ['k', 1], node: 'n1' })
    expect(asked).toBe(3)
  })
})

describe('kvRequest', () => {
  it('maps register operations to requests; append only where the target has it', () => {
    const read = kvRequest(op('read', [3, null]), { append: false })!
    expect([read.path, read.body, read.answer(7)]).toEqual(['/kv/read', { key: 3 }, [3, 7]])
    expect(read.answer(undefined)).toEqual([3, null])
    expect(kvRequest(op('cas', [3, [1, 2]]), { append: false })?.body).toEqual({ key: 3, from: 1, to: 2 })
    expect(kvRequest(op('cas', [3, 1]), { append: false })).toBeUndefined()
    expect(kvRequest(op('append', [3, 5]), { append: false })).toBeUndefined()
    expect(kvRequest(op('append', [3, 5]), { append: true })?.path).toBe('/kv/append')
    expect(kvRequest(op('write', 4), { append: true })).toBeUndefined()
  })
})
