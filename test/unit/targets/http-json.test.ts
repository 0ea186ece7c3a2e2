/**
 * requestJson against real HTTP servers on 127.0.0.1: the answer whatever
 * the status, and whether a request that got no answer may have been sent.
 */
import { Agent, createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { requestJson } from '../../../targets/http-json.js'
import { NoAnswer } from '../../../targets/request-outcome.js'

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

async function noAnswer(p: Promise<unknown>): Promise<NoAnswer> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(NoAnswer)
  return e as NoAnswer
}

describe('requestJson', () => {
  it('resolves the parsed answer whatever the HTTP status', async () => {
    const to = await serve((req, res) => {
      res.writeHead(409, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: false, error: 'cas-mismatch', path: req.url }))
    })
    expect(await requestJson({ ...to, method: 'POST', path: '/kv/cas', body: { key: 1 }, signal: new AbortController().signal, deadline: Date.now() + 2000, agent })).toEqual({ ok: false, error: 'cas-mismatch', path: '/kv/cas' })
  })

  it('never sent (refused, or aborted before sending) is sent=false; no answer in time, an abort in flight or an unreadable answer is sent=true', async () => {
    const refused = await noAnswer(requestJson({ node: 'n9', host: '127.0.0.1', port: 1, path: '/status', signal: new AbortController().signal, deadline: Date.now() + 2000, agent }))
    expect([refused.sent, refused.message, refused.node]).toEqual([false, 'connection to n9 refused', 'n9'])
    const early = new AbortController()
    early.abort()
    const before = await noAnswer(requestJson({ node: 'n9', host: '127.0.0.1', port: 1, path: '/status', signal: early.signal, deadline: Date.now() + 2000, agent }))
    expect(before.sent).toBe(false)

    const silent = await serve(() => undefined) // takes the request, never answers
    const late = await noAnswer(requestJson({ ...silent, path: '/kv/write', body: { key: 1 }, signal: new AbortController().signal, deadline: Date.now() + 150, agent }))
    expect(late.sent).toBe(true)
    expect(late.message).toMatch(/^no answer from n1 in \d+ ms$/)
    const inFlight = await noAnswer(requestJson({ ...silent, path: '/kv/write', body: { key: 1 }, signal: AbortSignal.timeout(100), deadline: Date.now() + 5000, agent }))
    expect([inFlight.sent, inFlight.message]).toEqual([true, 'aborted: no answer in time'])

    const garbled = await serve((_req, res) => res.end('<html>'))
    const unreadable = await noAnswer(requestJson({ ...garbled, path: '/status', signal: new AbortController().signal, deadline: Date.now() + 2000, agent }))
    expect([unreadable.sent, unreadable.message]).toEqual([true, 'unreadable answer from n1 (HTTP 200)'])
  })
})
