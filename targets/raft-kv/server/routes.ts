/**
 * raft-kv's client API, as routes of the node's JSON API
 * (../../server-kit/json-server.ts): /kv/read and /kv/read-many, and the
 * commands of the shared key-value store (../../server-kit/kv-store.ts:
 * /kv/write, /kv/cas, /kv/append, /kv/add, /kv/incr, /kv/pop,
 * /kv/settle-dequeues, /kv/transfer, /kv/txn). The leader answers them through
 * Raft: every command is one log entry, answered once it is committed and
 * applied (a transaction, its reads included, is one entry, so its reads and
 * writes take effect at one point of the log); reads are confirmed by
 * ReadIndex. A follower forwards them to the leader it knows (one hop: a
 * forwarded request that lands on a non-leader is answered 'not-leader').
 * The bug modes that live here (bugs.ts) are marked where they act. See ../README.md.
 */
import { Agent } from 'node:http'
import { type Route } from '../../server-kit/json-server.js'
import { COMMAND_ROUTES, commandOf, isReadOnlyTxn, keysOf, readKeyOf, type KvCommand, type MicroOp } from '../../server-kit/kv-store.js'
import type { RaftNode } from '../../server-kit/raft/raft.js'
import { postJson, RpcError } from '../../server-kit/rpc.js'
import type { BugName } from './bugs.js'
import type { Command, KvReply } from './messages.js'
import type { ApplyResult, KvStateMachine } from './state-machine.js'

const FORWARDED = 'x-raft-kv-forwarded'
/** Forwarded client requests wait for commits: their own pool, so they never delay Raft RPCs. */
const proxyAgent = new Agent({ keepAlive: true })

export type KvNode = RaftNode<Command, ApplyResult>

export interface KvApiOptions {
  /** id → host:port of every server, to forward to the leader. */
  addresses: ReadonlyMap<string, string>
  bug: BugName | null
  requestTimeoutMs: number
}

export function kvRoutes(node: KvNode, sm: KvStateMachine, options: KvApiOptions): Record<string, Route> {
  const bug = options.bug
  /** Answered here when `local` gives an answer, else forwarded to the leader. */
  const route =
    (path: string, local: (body: Record<string, unknown>, forwarded: boolean) => Promise<KvReply> | undefined): Route =>
    (body, req) => {
      const forwarded = req.headers[FORWARDED] !== undefined
      return local(body, forwarded) ?? forward(node, options, path, body, forwarded)
    }
  const read = (query: () => unknown): Promise<KvReply> | undefined => {
    // Bug stale-read: whatever this node has applied, no questions asked.
    if (bug === 'stale-read') return Promise.resolve({ ok: true, value: query() })
    return node.isLeader ? node.read(query) : undefined
  }
  const dequeues = new PendingDequeues()
  const counters = new LocalCounters()
  const routes: Record<string, Route> = {
    '/kv/read': route('/kv/read', (body) => {
      const key = readKeyOf(body)
      return read(() => sm.read(key))
    }),
    '/kv/read-many': route('/kv/read-many', (body) => {
      const keys = keysOf(body)
      return read(() => sm.readMany(keys))
    }),
  }
  for (const path of COMMAND_ROUTES) {
    routes[path] = route(path, (body, forwarded) => {
      const command = commandOf(path, body)
      if (bug === 'torn-read' && command.op === 'txn' && isReadOnlyTxn(command.ops)) {
        // Any node coordinates it, reading each key through the leader.
        return tornRead(command.ops, (key) => (node.isLeader ? readKv(node, sm, key) : forward(node, options, '/kv/read', { key }, false)))
      }
      if (bug === 'txn-local-read' && command.op === 'txn') {
        // This node coordinates it: reads here, writes through the leader's log.
        return localReadTxn(sm, command.ops, (writes) => (node.isLeader ? proposeKv(node, { op: 'txn', ops: writes }) : forward(node, options, '/kv/txn', { ops: writes }, forwarded)))
      }
      if (!node.isLeader) return undefined
      if (bug === 'local-ids' && command.op === 'incr') return counters.answerEarly(node, sm, command)
      if (bug === 'split-transfer' && command.op === 'transfer') return splitTransfer(node, command)
      if (bug === 'early-dequeue' && command.op === 'pop') return dequeues.answerEarly(node, sm, command)
      return proposeKv(node, command)
    })
  }
  return routes
}

/** A command through the log, answered once it is committed and applied. */
export async function proposeKv(node: KvNode, command: KvCommand): Promise<KvReply> {
  const reply = await node.propose(command)
  if (!reply.ok) return reply
  const result = reply.value
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error, leader: node.leader, message: result.message }
}

/** A linearizable read of `key` (ReadIndex). */
export function readKv(node: KvNode, sm: KvStateMachine, key: unknown): Promise<KvReply> {
  return node.read(() => sm.read(key))
}

/**
 * Bug split-transfer: the debit and the credit are two log entries, the credit
 * proposed once the debit is committed. Each entry is durable and replicated,
 * but a read between them sees the money gone from one account and not yet in
 * the other, and a leader lost in between leaves it gone for good.
 */
async function splitTransfer(node: KvNode, t: Extract<KvCommand, { op: 'transfer' }>): Promise<KvReply> {
  const debit = await proposeKv(node, { op: 'incr', key: t.from, delta: -t.amount, floor: t.floor })
  if (!debit.ok) return debit
  const credit = await proposeKv(node, { op: 'incr', key: t.to, delta: t.amount, floor: null })
  // The debit is applied: whatever became of the credit, the transfer is not "certainly not applied".
  return credit.ok ? { ok: true } : { ok: false, error: 'internal', leader: node.leader, message: `debit applied, credit ${credit.error}` }
}

/**
 * Bug early-dequeue: the leader hands out the value at the head of its
 * applied queue (past those it handed out and has not committed yet) and
 * answers at once; the dequeue entry is committed later. A leader deposed
 * (partitioned, killed) before that commit leaves the value in the queue, and
 * the next leader hands it out again.
 */
class PendingDequeues {
  private readonly pending = new Map<string, number>()
  answerEarly(node: KvNode, sm: KvStateMachine, pop: Extract<KvCommand, { op: 'pop' }>): Promise<KvReply> {
    const key = pop.key
    const k = JSON.stringify(key ?? null)
    const taken = this.pending.get(k) ?? 0
    const list = sm.read(key)
    const values = Array.isArray(list) ? list : []
    if (taken >= values.length) return proposeKv(node, pop) // nothing to hand out early
    this.pending.set(k, taken + 1)
    void node.propose(pop).then(() => this.pending.set(k, (this.pending.get(k) ?? 1) - 1))
    return Promise.resolve({ ok: true, value: values[taken] })
  }
}

/**
 * Bug local-ids: the leader answers an increment (an id) from a counter of its
 * own, taken from its applied state when it first needs it in its term, and
 * replicates the new value in the background without waiting for the commit.
 * A leader deposed while it still believes it leads, and a new leader whose
 * applied state lags what the old one handed out, give the same ids twice.
 */
class LocalCounters {
  private readonly counters = new Map<string, { term: number; value: number }>()
  answerEarly(node: KvNode, sm: KvStateMachine, c: Extract<KvCommand, { op: 'incr' }>): Promise<KvReply> {
    const k = JSON.stringify(c.key ?? null)
    const term = node.status().term
    let counter = this.counters.get(k)
    if (counter === undefined || counter.term !== term) {
      const applied = sm.read(c.key)
      counter = { term, value: typeof applied === 'number' ? applied : 0 }
      this.counters.set(k, counter)
    }
    counter.value += c.delta
    void node.propose({ op: 'write', key: c.key, value: counter.value })
    return Promise.resolve({ ok: true, value: counter.value })
  }
}

/**
 * Bug torn-read: a transaction that only reads is coordinated by the node the
 * client asked, with one linearizable read per key through the leader, one
 * after the other, rather than one read of every key at one moment. Each
 * value was current when it was read, but writes that land between two of
 * them make the whole a view no moment ever had: two such reads can see two
 * writes in opposite orders (a long fork).
 */
async function tornRead(ops: readonly MicroOp[], readOne: (key: unknown) => Promise<KvReply>): Promise<KvReply> {
  const out: MicroOp[] = []
  for (const [, key] of ops) {
    const r = await readOne(key)
    if (!r.ok) return r
    out.push(['r', key, r.value])
  }
  return { ok: true, value: out }
}

/**
 * Bug txn-local-read: the node the client asked evaluates the transaction on
 * its own applied state (its reads, and what its own writes would make of
 * them) and sends only the writes through the log, answering with the reads
 * it made here once the writes commit. A follower applies an entry only after
 * the leader tells it of the commit, and a deposed leader or a partitioned
 * follower applies nothing new at all, so the reads can miss writes committed
 * (and acknowledged) long before, while the transaction's own writes land
 * after them: no serial order holds both.
 */
async function localReadTxn(sm: KvStateMachine, ops: readonly MicroOp[], proposeWrites: (writes: MicroOp[]) => Promise<KvReply>): Promise<KvReply> {
  const local = sm.previewTxn(ops)
  if (!local.ok) return { ok: false, error: local.error, leader: null, message: local.message }
  const writes = ops.filter(([f]) => f !== 'r')
  if (writes.length === 0) return { ok: true, value: local.value }
  const committed = await proposeWrites(writes)
  return committed.ok ? { ok: true, value: local.value } : committed
}

async function forward(node: KvNode, options: KvApiOptions, path: string, body: Record<string, unknown>, forwarded: boolean): Promise<KvReply> {
  const leader = node.leader
  const address = leader === null ? undefined : options.addresses.get(leader)
  if (forwarded || address === undefined) return { ok: false, error: 'not-leader', leader }
  try {
    const answer = await postJson(address, path, body, options.requestTimeoutMs + 1000, { headers: { [FORWARDED]: node.id }, agent: proxyAgent })
    return answer.body as KvReply
  } catch (err) {
    // Refused: the leader never saw it. Anything else: it may have.
    const refused = err instanceof RpcError && err.kind === 'refused'
    return { ok: false, error: refused ? 'unavailable' : 'proxy-failed', leader, message: (err as Error).message }
  }
}
