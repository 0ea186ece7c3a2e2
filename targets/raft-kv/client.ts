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
 * What an answer (or its absence) means, and when to ask again, is the rule
 * of the public request helper (`performRequest`) with the bundled servers'
 * answers read by ../json-client.ts. The client asks its own node only: a
 * follower forwards to the leader, and `not-leader` (no leader known) is
 * retried there after a back-off.
 */
import { Agent } from 'node:http'
import { performRequest, requestJson, type Client, type Completion, type Invocation } from '../../index.js'
import { kvOutcome, kvRequest, type KvRequest } from '../json-client.js'
import { splitAddress } from '../server-kit/address.js'

/** The port raft-kv listens on inside every node. */
export const RAFT_KV_PORT = 7000

export interface RaftKvClientOptions {
  node: string
  /** host or host:port (port 7000 when absent). */
  address: string
  /** Give up after this long even if the runner never aborts. */
  timeoutMs?: number
}

export class RaftKvClient implements Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 })
  private readonly endpoint: { node: string; host: string; port: number }
  readonly node: string
  private readonly timeoutMs: number

  constructor(options: RaftKvClientOptions) {
    this.node = options.node
    const [host, port] = splitAddress(options.address, RAFT_KV_PORT)
    this.endpoint = { node: options.node, host, port }
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const request = toRequest(op)
    if (!request) return { type: 'fail', value: op.value, node: this.node, error: `raft-kv has no operation '${op.f}' for value ${JSON.stringify(op.value)}` }
    const options = { signal, deadline: Date.now() + this.timeoutMs, readOnly: op.f === 'read', node: this.node }
    return performRequest(op, options, async ({ signal, deadline }) => {
      const reply = await requestJson({ ...this.endpoint, path: request.path, body: request.body, signal, deadline, agent: this.agent })
      return kvOutcome(reply, this.node, request.answer)
    })
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
