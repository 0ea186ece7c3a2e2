/**
 * JSON over HTTP for the bundled servers (they run inside nodes, so node:
 * built-ins only): read a request body as one JSON object, send a JSON answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

const MAX_BODY = 64 * 1024 * 1024

/** The request itself is wrong: answered 400, and certainly had no effect. */
export class BadRequest extends Error {}

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
