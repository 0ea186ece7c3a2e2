/**
 * The HTTP face every bundled server shares (targets/server-kit/json-server.ts),
 * on 127.0.0.1: routes answer 200; a malformed body or a route's BadRequest is
 * 400 bad-request; no route is 404; anything else a route throws is 500
 * 'internal' (its effect unknown), each in the server's own refusal shape; a
 * storage failure is answered first and then reported, so the server can stop.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { StorageError } from '../../../../targets/server-kit/durable-file.js'
import { BadRequest, createJsonServer } from '../../../../targets/server-kit/json-server.js'

let server: Server | undefined
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r))
  server = undefined
})

async function start(onStorageFailure: (err: StorageError) => void = () => undefined): Promise<string> {
  server = createJsonServer(
    {
      status: () => ({ id: 'n1' }),
      routes: {
        '/echo': (body) => ({ ok: true, value: body.x }),
        '/later': async (body) => ({ ok: true, value: await Promise.resolve(body.x) }),
        '/picky': () => {
          throw new BadRequest('/picky needs nothing')
        },
        '/broken': () => {
          throw new TypeError('x is undefined')
        },
        '/disk-full': () => {
          throw new StorageError('/data/log.jsonl', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))
        },
      },
      refusal: (error, message) => ({ ok: false, error, leader: 'n2', message }),
    },
    onStorageFailure,
  )
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function post(base: string, path: string, body: string): Promise<[number, unknown]> {
  const res = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
  return [res.status, await res.json()]
}

describe('createJsonServer', () => {
  it('answers routes and GET /status with 200', async () => {
    const base = await start()
    expect(await post(base, '/echo', '{"x":[1,2]}')).toEqual([200, { ok: true, value: [1, 2] }])
    expect(await post(base, '/later', '{"x":3}')).toEqual([200, { ok: true, value: 3 }])
    const status = await fetch(base + '/status')
    expect([status.status, await status.json()]).toEqual([200, { id: 'n1' }])
  })

  it('answers a malformed body or a BadRequest with 400, and no route with 404, as bad-request', async () => {
    const base = await start()
    expect(await post(base, '/echo', '[1]')).toEqual([400, { ok: false, error: 'bad-request', leader: 'n2', message: 'body must be a JSON object' }])
    expect(await post(base, '/picky', '{}')).toEqual([400, { ok: false, error: 'bad-request', leader: 'n2', message: '/picky needs nothing' }])
    expect(await post(base, '/nowhere', '{}')).toEqual([404, { ok: false, error: 'bad-request', leader: 'n2', message: 'no route POST /nowhere' }])
    expect((await fetch(base + '/echo')).status).toBe(404)
  })

  it('answers anything else a route throws with 500 internal, whose effect is unknown', async () => {
    const base = await start()
    expect(await post(base, '/broken', '{}')).toEqual([500, { ok: false, error: 'internal', leader: 'n2', message: 'x is undefined' }])
  })

  it('answers a storage failure with 500 internal, then reports it (the server stops)', async () => {
    let report!: (err: StorageError) => void
    const reported = new Promise<StorageError>((resolve) => (report = resolve))
    const base = await start((err) => report(err))
    const [status, body] = await post(base, '/disk-full', '{}')
    expect(status).toBe(500)
    expect(body).toEqual({ ok: false, error: 'internal', leader: 'n2', message: '/data/log.jsonl: ENOSPC: no space left on device, write' })
    expect(await reported).toBeInstanceOf(StorageError)
  })
})
