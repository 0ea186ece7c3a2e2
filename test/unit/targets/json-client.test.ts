/**
 * The client side shared by the bundled key-value targets: what a request that
 * got no answer says about its effect, and the op → request mapping.
 */
import { Agent, createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Invocation } from '../../../core/generator/types.js'
import { hostPort, kvRequest, NoAnswer, requestJson } from '../../../targets/json-client.js'

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

describe('json-client', () => {
  it('resolves the parsed answer whatever the HTTP status', async () => {
    const to = await serve((req, res) => {
      res.writeHead(409, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: false, error: 'cas-mismatch', path: req.url }))
    })
    expect(await requestJson(agent, to, 'POST', '/kv/cas', { key: 1 }, new AbortController().signal, Date.now() + 2000)).toEqual({ ok: false, error: 'cas-mismatch', path: '/kv/cas' })
  })

  it('never sent (refused, or aborted before sending) is sent=false; no answer in time, an abort in flight or an unreadable answer is sent=true', async () => {
    const refused = await noAnswer(requestJson(agent, { name: 'n9', host: '127.0.0.1', port: 1 }, 'GET', '/status', undefined, new AbortController().signal, Date.now() + 2000))
    expect([refused.sent, refused.message]).toEqual([false, 'connection to n9 refused'])
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

  it('maps register operations to requests; append only where the target has it', () => {
    const op = (f: string, value: unknown): Invocation => ({ type: 'invoke', f, value, process: 0, time: 0 })
    const read = kvRequest(op('read', [3, null]), { append: false })!
    expect([read.path, read.body, read.answer(7)]).toEqual(['/kv/read', { key: 3 }, [3, 7]])
    expect(read.answer(undefined)).toEqual([3, null])
    expect(kvRequest(op('cas', [3, [1, 2]]), { append: false })?.body).toEqual({ key: 3, from: 1, to: 2 })
    expect(kvRequest(op('cas', [3, 1]), { append: false })).toBeUndefined()
    expect(kvRequest(op('append', [3, 5]), { append: false })).toBeUndefined()
    expect(kvRequest(op('append', [3, 5]), { append: true })?.path).toBe('/kv/append')
    expect(kvRequest(op('write', 4), { append: true })).toBeUndefined()
    expect(hostPort('10.0.0.2', 7100)).toEqual(['10.0.0.2', 7100])
    expect(hostPort('[::1]:7001', 7100)).toEqual(['[::1]', 7001])
  })
})
