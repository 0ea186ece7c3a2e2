/**
 * The dstest client of chain-kv: register operations on independent keys plus
 * an atomic single-key append, over HTTP/1.1 keep-alive. Writes go to the
 * head, reads to the tail (as in the paper); the client learns who they are
 * from any node's GET /status, caches it, and asks again on a redirect or a
 * refused connection.
 *
 *   read    value [k, null]       → ok [k, v]
 *   write   value [k, v]          → ok
 *   cas     value [k, [from, to]] → ok, or fail 'cas-mismatch'
 *   append  value [k, v]          → ok (the key holds a list), or fail 'type-mismatch'
 *
 * Outcomes follow DESIGN.md: no answer (timeout, reset, abort) is `info`, never
 * `fail`; `fail` only when the server said the operation had no effect (cas
 * mismatch, or refused before it entered the chain), or when no request left.
 */
import { Agent } from 'node:http'
import type { Client } from '../../core/client.js'
import type { Invocation } from '../../core/generator/types.js'
import type { Completion } from '../../core/op.js'
import { hostPort as splitAddress, kvRequest, NoAnswer, requestJson, type JsonEndpoint } from '../json-client.js'
import { isDefiniteError, type KvReply, type Status } from './server/messages.js'

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
  /** Give up (as `info`) after this long even if the runner never aborts. */
  timeoutMs?: number
}

const MAX_ATTEMPTS = 5
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export class ChainKvClient implements Client {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 2 })
  private readonly addresses: Map<string, JsonEndpoint>
  private readonly timeoutMs: number
  private view: { head: string | null; tail: string | null } = { head: null, tail: null }

  constructor(private readonly options: ChainKvClientOptions) {
    const endpoint = (name: string, [host, port]: [string, number]): JsonEndpoint => ({ name, host, port })
    this.addresses = new Map(options.nodes.map((n) => [n.name, endpoint(n.name, hostPort(n.address))]))
    if (!this.addresses.has(options.node)) throw new TypeError(`chain-kv client: node ${options.node} is not among the nodes given`)
    this.timeoutMs = options.timeoutMs ?? 10_000
  }

  async invoke(op: Invocation, signal: AbortSignal): Promise<Completion> {
    const req = kvRequest(op, { append: true })
    if (!req) return { type: 'fail', value: op.value, node: this.options.node, error: `chain-kv has no operation '${op.f}' for value ${JSON.stringify(op.value)}` }
    const deadline = Date.now() + this.timeoutMs
    const isRead = op.f === 'read'
    let lastError = 'no node told us where the chain is'
    let node = this.options.node
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (signal.aborted) return { type: 'info', value: op.value, node, error: 'aborted' }
      const target = isRead && this.options.readAt === 'own-node' ? this.options.node : await this.locate(isRead ? 'tail' : 'head', signal, deadline)
      if (target === null) {
        await sleep(50 * (attempt + 1))
        continue
      }
      node = target
      let reply: KvReply
      try {
        reply = await this.post(target, req.path, req.body, signal, deadline)
      } catch (err) {
        const e = err instanceof NoAnswer ? err : new NoAnswer(true, String(err))
        if (e.sent) return { type: 'info', value: op.value, node, error: e.message }
        // Refused: nothing reached the server. Ask again where the chain is.
        this.view = { head: null, tail: null }
        lastError = e.message
        continue
      }
      if (reply.ok) return { type: 'ok', value: req.answer(reply.value), node }
      if (!isDefiniteError(reply.error)) return { type: 'info', value: op.value, node, error: reply.error }
      if (reply.error === 'cas-mismatch' || reply.error === 'type-mismatch' || reply.error === 'bad-request') {
        return { type: 'fail', value: op.value, node, error: reply.error }
      }
      // not-head / not-tail / unavailable: refused before it entered the chain; follow the hint.
      lastError = reply.error
      this.view = { head: reply.head, tail: reply.tail }
      const hint = isRead ? reply.tail : reply.head
      if (reply.error === 'unavailable' || hint === null || hint === target) await sleep(50 * (attempt + 1))
    }
    return { type: 'fail', value: op.value, node, error: lastError }
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

  private async post(name: string, path: string, body: unknown, signal: AbortSignal, deadline: number): Promise<KvReply> {
    const reply = (await this.send(name, 'POST', path, body, signal, deadline)) as KvReply
    if (typeof reply?.ok !== 'boolean') throw new NoAnswer(true, 'answer without an ok field')
    return reply
  }

  private send(name: string, method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal, deadline: number): Promise<unknown> {
    return requestJson(this.agent, this.addresses.get(name)!, method, path, body, signal, deadline)
  }
}

/** 'h' → [h, 7100]; 'h:p' → [h, p]. */
export function hostPort(address: string): [string, number] {
  return splitAddress(address, CHAIN_KV_PORT)
}
