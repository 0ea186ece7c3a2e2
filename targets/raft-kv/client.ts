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
import { Agent } from 'node:http'
import type { Client } from '../../core/client.js'
import type { Invocation } from '../../core/generator/types.js'
import type { Completion } from '../../core/op.js'
import { hostPort as splitAddress, kvRequest, NoAnswer, requestJson, type JsonEndpoint, type KvRequest } from '../json-client.js'
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

export class RaftKvClient implements Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 })
  private readonly endpoint: JsonEndpoint
  readonly node: string
  private readonly timeoutMs: number

  constructor(options: RaftKvClientOptions) {
    this.node = options.node
    const [host, port] = hostPort(options.address)
    this.endpoint = { name: options.node, host, port }
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const request = toRequest(op)
    if (!request) return { type: 'fail', value: op.value, node: this.node, error: `raft-kv has no operation '${op.f}' for value ${JSON.stringify(op.value)}` }
    let reply: KvReply
    try {
      reply = (await requestJson(this.agent, this.endpoint, 'POST', request.path, request.body, signal, Date.now() + this.timeoutMs)) as KvReply
      if (typeof reply?.ok !== 'boolean') throw new NoAnswer(true, `answer from ${this.node} without an ok field`)
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
}

function toRequest(op: Invocation): KvRequest | undefined {
  if (op.f !== 'txn') return kvRequest(op, { append: false })
  if (!Array.isArray(op.value)) return undefined
  return { path: '/kv/txn', body: { ops: op.value }, answer: (value) => value }
}

/** 'h' → [h, 7000]; 'h:p' → [h, p]. */
export function hostPort(address: string): [string, number] {
  return splitAddress(address, RAFT_KV_PORT)
}
