/**
 * The HTTP/1.1 face of a bundled server (keep-alive, JSON, node: built-ins
 * only): one port for clients and peers, `GET /status`, and POST routes that
 * take a JSON object and answer one.
 *
 * What the HTTP layer answers itself, in the server's own refusal shape:
 *   400 bad-request  the body is not a JSON object, or a route found it wrong
 *                    (BadRequest): certainly no effect
 *   404 bad-request  no such route
 *   500 internal     anything a route threw: its effect is unknown, since the
 *                    state may have changed before the error. A StorageError
 *                    also stops the server once that answer is sent (see
 *                    durable-file.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { StorageError } from './durable-file.js'

const MAX_BODY = 64 * 1024 * 1024

/** The request itself is wrong: answered 400, and certainly had no effect. */
export class BadRequest extends Error {}

/** A POST route: the body, and the request for its headers; what it returns (or resolves to) is the 200 answer. */
export type Route = (body: Record<string, unknown>, req: IncomingMessage) => unknown

export interface JsonApi {
  /** The answer to GET /status. */
  status(): unknown
  routes: Readonly<Record<string, Route>>
  /** This server's refusal body, with its hints (who leads, where the chain is). */
  refusal(error: 'bad-request' | 'internal', message: string): object
}

export function createJsonServer(api: JsonApi, onStorageFailure: (err: StorageError) => void): Server {
  const server = createServer((req, res) => {
    handle(api, req, res).catch((err: unknown) => {
      const message = String((err as Error)?.message ?? err)
      if (err instanceof BadRequest) return send(res, 400, api.refusal('bad-request', message))
      send(res, 500, api.refusal('internal', message))
      if (!(err instanceof StorageError)) return
      if (res.destroyed) onStorageFailure(err) // the client is gone: nothing to wait for
      else res.once('close', () => onStorageFailure(err))
    })
  })
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  return server
}

async function handle(api: JsonApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]!
  if (req.method === 'GET' && path === '/status') return send(res, 200, api.status())
  const route = req.method === 'POST' && Object.hasOwn(api.routes, path) ? api.routes[path] : undefined
  if (!route) return send(res, 404, api.refusal('bad-request', `no route ${req.method} ${path}`))
  const body = await readJson(req)
  send(res, 200, await route(body, req))
}

export function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_BODY) req.destroy(new BadRequest('body too large'))
      else chunks.push(c)
    })
    req.on('error', reject)
    req.on('end', () => {
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object')
        resolve(value as Record<string, unknown>)
      } catch {
        reject(new BadRequest('body must be a JSON object'))
      }
    })
  })
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return
  const data = Buffer.from(JSON.stringify(body))
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length })
  res.end(data)
}
