/**
 * The client side of the bundled key-value targets (it runs in dstest, not in
 * the nodes): one JSON request over HTTP/1.1 keep-alive with a deadline and the
 * runner's abort signal, and the mapping of register operations to requests.
 *
 * A request that got no answer rejects with NoAnswer. `sent` tells the caller
 * whether it may have had an effect: false only when it certainly never reached
 * a server (connection refused, or aborted before it left), so the operation
 * can complete as `fail`; otherwise it must complete as `info`.
 */
import { request, type Agent } from 'node:http'
import type { Invocation } from '../core/generator/types.js'
import { splitAddress } from './server-kit/args.js'

export class NoAnswer extends Error {
  constructor(
    /** False when the request certainly never reached a server. */
    readonly sent: boolean,
    message: string,
  ) {
    super(message)
  }
}

export interface JsonEndpoint {
  /** The node's name, for messages. */
  name: string
  host: string
  port: number
}

/** Sends one request and resolves with the parsed JSON answer, whatever its HTTP status. */
export function requestJson(agent: Agent, to: JsonEndpoint, method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal, deadline: number): Promise<unknown> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new NoAnswer(false, 'aborted before sending'))
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
    const onAbort = (): void => fail(new NoAnswer(true, 'aborted: no answer in time'))
    const timer = setTimeout(() => fail(new NoAnswer(true, `no answer from ${to.name} in ${waitMs} ms`)), waitMs)
    signal.addEventListener('abort', onAbort, { once: true })
    function cleanup(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    }
    req.on('error', (err: NodeJS.ErrnoException) => {
      cleanup()
      const refused = err.code === 'ECONNREFUSED'
      reject(new NoAnswer(!refused, refused ? `connection to ${to.name} refused` : `${err.code ?? 'error'}: ${err.message}`))
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
          reject(new NoAnswer(true, `unreadable answer from ${to.name} (HTTP ${res.statusCode})`))
        }
      })
    })
    req.end(payload)
  })
}

/** 'h' → [h, defaultPort]; 'h:p' → [h, p] (checked as the servers check it). */
export function hostPort(address: string, defaultPort: number): [string, number] {
  return /:\d+$/.test(address) ? splitAddress(address) : [address, defaultPort]
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
