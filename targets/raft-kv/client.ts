/**
 * The dstest client of raft-kv: the operations of every bundled workload
 * (register operations on independent keys, set adds and reads, counter
 * increments, id generation, enqueue/dequeue, bank transfers and snapshot
 * reads, and multi-key transactions), over HTTP/1.1 keep-alive to one node
 * (which forwards to the leader). How each workload's operations map to the
 * server's requests is ../workload-requests.ts.
 *
 * What an answer (or its absence) means, and when to ask again, is the rule
 * of the public request helper (`performRequest`) with the bundled servers'
 * answers read by ../json-client.ts. The client asks its own node only: a
 * follower forwards to the leader, and `not-leader` (no leader known) is
 * retried there after a back-off.
 */
import { Agent } from 'node:http'
import { performRequest, requestJson, type Client, type Completion, type Invocation } from '../../index.js'
import { kvOutcome } from '../json-client.js'
import { workloadRequest, type BankOptions } from '../workload-requests.js'
import { splitAddress } from '../server-kit/address.js'

/** The port raft-kv listens on inside every node. */
export const RAFT_KV_PORT = 7000

export interface RaftKvClientOptions {
  node: string
  /** host or host:port (port 7000 when absent). */
  address: string
  /** The workload whose operations it performs ('register' when absent). */
  workload?: string
  /** The bank's accounts, for the bank workload. */
  bank?: BankOptions
  /** Give up after this long even if the runner never aborts. */
  timeoutMs?: number
}

export class RaftKvClient implements Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 })
  private readonly endpoint: { node: string; host: string; port: number }
  readonly node: string
  private readonly timeoutMs: number
  private readonly workload: string
  private readonly bank: BankOptions | undefined

  constructor(options: RaftKvClientOptions) {
    this.workload = options.workload ?? 'register'
    this.bank = options.bank
    this.node = options.node
    const [host, port] = splitAddress(options.address, RAFT_KV_PORT)
    this.endpoint = { node: options.node, host, port }
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const request = workloadRequest(this.workload, op, this.bank)
    if (!request) return { type: 'fail', value: op.value, node: this.node, error: `raft-kv has no operation '${op.f}' of workload ${this.workload} for value ${JSON.stringify(op.value)}` }
    const options = { signal, deadline: Date.now() + this.timeoutMs, readOnly: request.readOnly, idempotent: request.idempotent === true, node: this.node }
    return performRequest(op, options, async ({ signal, deadline }) => {
      const reply = await requestJson({ ...this.endpoint, path: request.path, body: request.body, signal, deadline, agent: this.agent })
      return kvOutcome(reply, this.node, request.answer)
    })
  }

  async close(): Promise<void> {
    this.agent.destroy()
  }
}
