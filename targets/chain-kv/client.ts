/**
 * The dstest client of chain-kv: the operations of the register, set,
 * counter, unique-ids, queue, bank, list-append and rw-register workloads
 * (../workload-requests.ts says how each maps to a request), over HTTP/1.1
 * keep-alive. Commands (transactions that write included) go to the head,
 * reads (read-only transactions included) to the tail, as in the paper; the
 * client learns who they are from any node's GET /status, caches it, and asks
 * again on a redirect or a refused connection.
 *
 * What an answer (or its absence) means, and when to ask again, is the rule
 * of the public request helper (`performRequest`) with the bundled servers'
 * answers read by ../json-client.ts; a redirect to another node is followed
 * at once.
 */
import { Agent } from 'node:http'
import { NoAnswer, performRequest, requestJson, type AttemptOutcome, type Client, type Completion, type Invocation } from '../../index.js'
import { kvOutcome } from '../json-client.js'
import { splitAddress } from '../server-kit/address.js'
import { workloadRequest, type BankOptions } from '../workload-requests.js'
import type { KvReply, Status } from './server/messages.js'

/** The port chain-kv listens on inside every node. */
export const CHAIN_KV_PORT = 7100

export interface ChainKvClientOptions {
  /** The node this client belongs to (thread i → node i mod N). */
  node: string
  /** Every node: name and host or host:port (port 7100 when absent). */
  nodes: readonly { name: string; address: string }[]
  /**
   * Where reads go: the tail (correct), or this client's own node (used with
   * bug read-any, whose servers answer reads from whatever they hold).
   */
  readAt?: 'tail' | 'own-node'
  /** The workload whose operations it performs ('register' when absent). */
  workload?: string
  /** The bank's accounts, for the bank workload. */
  bank?: BankOptions
  /** Give up after this long even if the runner never aborts. */
  timeoutMs?: number
}

interface Endpoint {
  node: string
  host: string
  port: number
}

export class ChainKvClient implements Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 2 })
  private readonly addresses: Map<string, Endpoint>
  private readonly timeoutMs: number
  private view: { head: string | null; tail: string | null } = { head: null, tail: null }

  constructor(private readonly options: ChainKvClientOptions) {
    const endpoint = (node: string, [host, port]: [string, number]): Endpoint => ({ node, host, port })
    this.addresses = new Map(options.nodes.map((n) => [n.name, endpoint(n.name, splitAddress(n.address, CHAIN_KV_PORT))]))
    if (!this.addresses.has(options.node)) throw new TypeError(`chain-kv client: node ${options.node} is not among the nodes given`)
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const workload = this.options.workload ?? 'register'
    const req = workloadRequest(workload, op, this.options.bank)
    if (!req) return { type: 'fail', value: op.value, node: this.options.node, error: `chain-kv has no operation '${op.f}' of workload ${workload} for value ${JSON.stringify(op.value)}` }
    const isRead = req.readOnly
    const options = { signal, deadline: Date.now() + this.timeoutMs, readOnly: isRead, idempotent: req.idempotent === true, node: this.options.node }
    return performRequest(op, options, async ({ signal, deadline }): Promise<AttemptOutcome> => {
      const target = isRead && this.options.readAt === 'own-node' ? this.options.node : await this.locate(isRead ? 'tail' : 'head', signal, deadline)
      if (target === null) return { type: 'refused', error: 'no node told us where the chain is', retry: 'later' }
      let reply: unknown
      try {
        reply = await this.send(target, 'POST', req.path, req.body, signal, deadline)
      } catch (err) {
        // Refused: nothing reached the server. Ask again where the chain is.
        if (err instanceof NoAnswer && !err.sent) this.view = { head: null, tail: null }
        throw err
      }
      const outcome = kvOutcome(reply, target, req.answer)
      if (outcome.type !== 'refused' || outcome.retry === 'never') return outcome
      // not-head / not-tail / unavailable: refused before it entered the chain; follow the hint.
      const r = reply as Extract<KvReply, { ok: false }>
      this.view = { head: r.head ?? null, tail: r.tail ?? null }
      const hint = isRead ? this.view.tail : this.view.head
      return r.error !== 'unavailable' && hint !== null && hint !== target ? { ...outcome, retry: 'now' } : outcome
    })
  }

  async close(): Promise<void> {
    this.agent.destroy()
  }

  /** The head or tail: cached, or asked of the nodes (own node first). Null if nobody knows. */
  private async locate(which: 'head' | 'tail', signal: AbortSignal, deadline: number): Promise<string | null> {
    const known = this.view[which]
    if (known !== null && this.addresses.has(known)) return known
    const order = [this.options.node, ...[...this.addresses.keys()].filter((n) => n !== this.options.node)]
    for (const name of order) {
      const status = await this.status(name, signal, Math.min(deadline, Date.now() + 500))
      if (status && status.head !== null && status.tail !== null) {
        this.view = { head: status.head, tail: status.tail }
        return this.view[which]
      }
    }
    return null
  }

  private async status(name: string, signal: AbortSignal, deadline: number): Promise<Status | undefined> {
    try {
      return (await this.send(name, 'GET', '/status', undefined, signal, deadline)) as Status
    } catch {
      return undefined
    }
  }

  private send(name: string, method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal, deadline: number): Promise<unknown> {
    return requestJson({ ...this.addresses.get(name)!, method, path, body, signal, deadline, agent: this.agent })
  }
}
