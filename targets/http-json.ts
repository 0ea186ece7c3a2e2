/**
 * One JSON request over HTTP/1.1 whose failures are already sorted for
 * `performRequest`: it resolves with the parsed answer whatever the HTTP
 * status, and rejects with a `NoAnswer` that says whether the request may
 * have reached the server (a refused connection: certainly not; a timeout,
 * a reset, an abort in flight or an unreadable answer: maybe).
 *
 *     const agent = new Agent({ keepAlive: true, maxSockets: 1 })   // one per client
 *     const answer = await requestJson({ node: 'n1', host: address, port: 7300, method: 'POST', path: '/write', body: { key, value }, signal, deadline, agent })
 */
import { request, type Agent } from 'node:http'
import { NoAnswer } from './request-outcome.js'

export interface JsonRequest {
  /** The node's name: in messages and in the NoAnswer. */
  node: string
  host: string
  port: number
  /** Default POST when there is a body, else GET. */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  /** Sent as JSON. */
  body?: unknown
  /** The attempt's signal: aborting it abandons the request (NoAnswer, sent unless it never left). */
  signal: AbortSignal
  /** Date.now() by which the answer must be complete. */
  deadline: number
  /** A keep-alive agent, one per client; Node's global agent otherwise. */
  agent?: Agent
}

/** Sends one request and resolves with the parsed JSON answer, whatever its HTTP status; rejects with NoAnswer. */
export function requestJson(r: JsonRequest): Promise<unknown> {
  const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body))
  return new Promise((resolve, reject) => {
    if (r.signal.aborted) return reject(new NoAnswer(false, 'aborted before sending', r.node))
    const req = request({
      host: r.host,
      port: r.port,
      path: r.path,
      method: r.method ?? (payload ? 'POST' : 'GET'),
      ...(r.agent ? { agent: r.agent } : {}),
      headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
    })
    const waitMs = Math.max(1, r.deadline - Date.now())
    const fail = (e: NoAnswer): void => {
      cleanup()
      req.destroy()
      reject(e)
    }
    const onAbort = (): void => fail(new NoAnswer(true, 'aborted: no answer in time', r.node))
    const timer = setTimeout(() => fail(new NoAnswer(true, `no answer from ${r.node} in ${waitMs} ms`, r.node)), waitMs)
    r.signal.addEventListener('abort', onAbort, { once: true })
    function cleanup(): void {
      clearTimeout(timer)
      r.signal.removeEventListener('abort', onAbort)
    }
    req.on('error', (err: NodeJS.ErrnoException) => {
      cleanup()
      const refused = err.code === 'ECONNREFUSED'
      reject(new NoAnswer(!refused, refused ? `connection to ${r.node} refused` : `${err.code ?? 'error'}: ${err.message}`, r.node))
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
          reject(new NoAnswer(true, `unreadable answer from ${r.node} (HTTP ${res.statusCode})`, r.node))
        }
      })
    })
    req.end(payload)
  })
}
