/**
 * What a bundled server's answer says (kvOutcome), the register operations as
 * requests (kvRequest), and the two together with the public request helper
 * over real HTTP servers on 127.0.0.1.
 */
import { Agent, createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Invocation } from '../../../core/generator/types.js'
import { requestJson } from '../../../targets/http-json.js'
import { kvOutcome, kvRequest } from '../../../targets/json-client.js'
import { NoAnswer, performRequest } from '../../../targets/request-outcome.js'

const agent = new Agent({ keepAlive: true })
const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ node: string; host: string; port: number }> {
  const s = createServer(handler)
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return { node: 'n1', host: '127.0.0.1', port: (s.address() as AddressInfo).port }
}

const op = (f: string, value: unknown): Invocation => ({ type: 'invoke', f, value, process: 0, time: 0 })
const never = new AbortController().signal

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

describe('kvOutcome with performRequest over real HTTP', () => {
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
    const write = (to: { node: string; host: string; port: number }) =>
      performRequest(op('write', ['k', 1]), { signal: never, deadline: Date.now() + 5000, readOnly: false, node: to.node }, async ({ signal, deadline }) =>
        kvOutcome(await requestJson({ ...to, path: '/kv/write', body: { key: 'k', value: 1 }, signal, deadline, agent }), to.node, () => ['k', 1]),
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
