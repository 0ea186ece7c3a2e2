/**
 * The dstest client of raft-kv: register operations on independent keys and
 * multi-key transactions, over HTTP/1.1 keep-alive to one node (which forwards
 * to the leader).
 *
 *   read   value [k, null]      → ok [k, v]
 *   write  value [k, v]         → ok
 *   cas    value [k, [from, to]] → ok, or fail 'cas-mismatch'
 *   txn    value [['append'|'r'|'w', k, v], ...] → ok with the reads filled in
 *
 * Outcomes follow DESIGN.md: no answer (timeout, reset, abort) is `info`; `fail`
 * only when the operation certainly had no effect: the server said so, the
 * request never left (connection refused), or the op was a read.
 */
import { Agent, request } from 'node:http'
import type { Client } from '../../core/client.js'
import type { Invocation } from '../../core/generator/types.js'
import type { Completion } from '../../core/op.js'
import { isDefiniteError, type KvReply } from './server/messages.js'

/** The port raft-kv listens on inside every node. */
export const RAFT_KV_PORT = 7000

export interface RaftKvClientOptions {
  node: string
  /** host or host:port (port 7000 when absent). */
  address: string
  /** Give up (as `info`) after this long even if the runner never aborts. */
  timeoutMs?: number
}

class NoAnswer extends Error {
  constructor(
    readonly sent: boolean,
    message: string,
  ) {
    super(message)
  }
}

export class RaftKvClient implements Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 })
  private readonly host: string
  private readonly port: number
  readonly node: string
  private readonly timeoutMs: number

  constructor(options: RaftKvClientOptions) {
    this.node = options.node
    ;[this.host, this.port] = hostPort(options.address)
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const request = toRequest(op)
    if (!request) return { type: 'fail', value: op.value, node: this.node, error: `raft-kv has no operation '${op.f}' for value ${JSON.stringify(op.value)}` }
    let reply: KvReply
    try {
      reply = await this.post(request.path, request.body, signal)
    } catch (err) {
      const e = err instanceof NoAnswer ? err : new NoAnswer(true, String(err))
      // Refused: the request never left this machine, so it had no effect.
      return { type: e.sent ? 'info' : 'fail', value: op.value, node: this.node, error: e.message }
    }
    if (reply.ok) return { type: 'ok', value: request.answer(reply.value), node: this.node }
    // A read changes nothing, so any refusal of it is a definite failure.
    const definite = isDefiniteError(reply.error) || op.f === 'read'
    return { type: definite ? 'fail' : 'info', value: op.value, node: this.node, error: reply.error }
  }

  async close(): Promise<void> {
    this.agent.destroy()
  }

  private post(path: string, body: unknown, signal: AbortSignal): Promise<KvReply> {
    const payload = Buffer.from(JSON.stringify(body))
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new NoAnswer(false, 'aborted before sending'))
      const req = request({
        host: this.host,
        port: this.port,
        path,
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length },
      })
      const fail = (e: NoAnswer): void => {
        req.destroy()
        reject(e)
      }
      const onAbort = (): void => fail(new NoAnswer(true, 'aborted: no answer in time'))
      const timer = setTimeout(() => fail(new NoAnswer(true, `no answer in ${this.timeoutMs} ms`)), this.timeoutMs)
      signal.addEventListener('abort', onAbort, { once: true })
      const cleanup = (): void => {
        clearTimeout(timer)
        signal.removeEventListener('abort', onAbort)
      }
      req.on('error', (err: NodeJS.ErrnoException) => {
        cleanup()
        reject(new NoAnswer(err.code !== 'ECONNREFUSED', err.code === 'ECONNREFUSED' ? 'connection refused' : `${err.code ?? 'error'}: ${err.message}`))
      })
      req.on('response', (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', () => undefined) // surfaces as req 'error'
        res.on('end', () => {
          cleanup()
          try {
            const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KvReply
            if (typeof reply?.ok !== 'boolean') throw new Error('no ok field')
            resolve(reply)
          } catch {
            reject(new NoAnswer(true, `unreadable answer (HTTP ${res.statusCode})`))
          }
        })
      })
      req.end(payload)
    })
  }
}

interface KvRequest {
  path: string
  body: unknown
  /** The completion's value from the server's answer. */
  answer(value: unknown): unknown
}

function toRequest(op: Invocation): KvRequest | undefined {
  const v = op.value
  if (op.f === 'txn') {
    if (!Array.isArray(v)) return undefined
    return { path: '/kv/txn', body: { ops: v }, answer: (value) => value }
  }
  if (!Array.isArray(v) || v.length !== 2) return undefined
  const [key, arg] = v as [unknown, unknown]
  switch (op.f) {
    case 'read':
      return { path: '/kv/read', body: { key }, answer: (value) => [key, value ?? null] }
    case 'write':
      return { path: '/kv/write', body: { key, value: arg }, answer: () => v }
    case 'cas':
      if (!Array.isArray(arg) || arg.length !== 2) return undefined
      return { path: '/kv/cas', body: { key, from: arg[0], to: arg[1] }, answer: () => v }
    default:
      return undefined
  }
}

/** 'h' → [h, 7000]; 'h:p' → [h, p]. */
export function hostPort(address: string): [string, number] {
  const m = /^(.*):(\d+)$/.exec(address)
  return m ? [m[1]!, Number(m[2])] : [address, RAFT_KV_PORT]
}
