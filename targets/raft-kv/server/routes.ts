/**
 * raft-kv's client API, as routes of the node's JSON API
 * (../../server-kit/json-server.ts): /kv/read, /kv/write, /kv/cas, /kv/txn.
 * The leader answers them through Raft: writes, cas and transactions go
 * through the log, reads are confirmed by ReadIndex. A follower forwards them
 * to the leader it knows (one hop: a forwarded request that lands on a
 * non-leader is answered 'not-leader'). See ../README.md.
 */
import { Agent } from 'node:http'
import { BadRequest, type Route } from '../../server-kit/json-server.js'
import type { RaftNode } from '../../server-kit/raft/raft.js'
import { postJson, RpcError } from '../../server-kit/rpc.js'
import type { BugName } from './bugs.js'
import type { Command, KvReply } from './messages.js'
import { isMicroOpList, type ApplyResult, type KvStateMachine } from './state-machine.js'

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
  const route =
    (path: string, local: (body: Record<string, unknown>) => Promise<KvReply> | undefined): Route =>
    (body, req) => {
      if (!('key' in body) && path !== '/kv/txn') throw new BadRequest(`${path} needs a key`)
      return local(body) ?? forward(node, options, path, body, req.headers[FORWARDED] !== undefined)
    }
  return {
    '/kv/read': route('/kv/read', (body) => {
      // Bug stale-read: whatever this node has applied, no questions asked.
      if (options.bug === 'stale-read') return Promise.resolve({ ok: true, value: sm.read(body.key) })
      return node.isLeader ? readKv(node, sm, body.key) : undefined
    }),
    '/kv/write': route('/kv/write', (body) => (node.isLeader ? proposeKv(node, { op: 'write', key: body.key, value: body.value ?? null }) : undefined)),
    '/kv/cas': route('/kv/cas', (body) => (node.isLeader ? proposeKv(node, { op: 'cas', key: body.key, from: body.from ?? null, to: body.to ?? null }) : undefined)),
    '/kv/txn': route('/kv/txn', (body) => {
      if (!isMicroOpList(body.ops)) throw new BadRequest(`/kv/txn needs ops: a list of ['append'|'r'|'w', key, value]`)
      return node.isLeader ? proposeKv(node, { op: 'txn', ops: body.ops }) : undefined
    }),
  }
}

/** A write, cas or txn through the log, answered once it is committed and applied. */
export async function proposeKv(node: KvNode, command: Command): Promise<KvReply> {
  const reply = await node.propose(command)
  if (!reply.ok) return reply
  const result = reply.value
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error, leader: node.leader, message: result.message }
}

/** A linearizable read of `key` (ReadIndex). */
export function readKv(node: KvNode, sm: KvStateMachine, key: unknown): Promise<KvReply> {
  return node.read(() => sm.read(key))
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
