/**
 * The HTTP/1.1 (keep-alive, JSON) face of a node: Raft RPCs from peers under
 * /raft/*, the client API under /kv/*, and GET /status. A follower forwards
 * client requests to the leader it knows (one hop: a forwarded request that
 * lands on a non-leader is answered 'not-leader'). See ../README.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { BadRequest, readJson, send } from '../../server-kit/json-http.js'
import type { BugName } from './bugs.js'
import type { AppendEntriesArgs, Command, InstallSnapshotArgs, KvReply, RequestVoteArgs } from './messages.js'
import type { RaftNode } from './raft.js'
import { postJson, proxyAgent, RpcError } from './rpc.js'
import { isMicroOpList } from './state-machine.js'

const FORWARDED = 'x-raft-kv-forwarded'

export interface HttpOptions {
  /** id → host:port of every server, to forward to the leader. */
  addresses: ReadonlyMap<string, string>
  bug: BugName | null
  requestTimeoutMs: number
}


export function createHttpServer(node: RaftNode, options: HttpOptions): Server {
  const server = createServer((req, res) => {
    handle(node, options, req, res).catch((err: unknown) => {
      const bad = err instanceof BadRequest
      send(res, bad ? 400 : 500, { ok: false, error: 'bad-request', leader: node.leader, message: String((err as Error).message ?? err) })
    })
  })
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  return server
}

async function handle(node: RaftNode, options: HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method === 'GET' && path === '/status') return send(res, 200, node.status())
  if (req.method !== 'POST') return send(res, 404, { ok: false, error: 'bad-request', leader: null, message: `no route ${req.method} ${path}` })
  const body = await readJson(req)
  const rpc: unknown = body // peers are trusted to send well-formed RPCs
  switch (path) {
    case '/raft/vote':
      return send(res, 200, node.handleRequestVote(rpc as RequestVoteArgs))
    case '/raft/append':
      return send(res, 200, node.handleAppendEntries(rpc as AppendEntriesArgs))
    case '/raft/snapshot':
      return send(res, 200, node.handleInstallSnapshot(rpc as InstallSnapshotArgs))
    case '/kv/read':
    case '/kv/write':
    case '/kv/cas':
    case '/kv/txn':
      return send(res, 200, await clientRequest(node, options, path, body, req.headers[FORWARDED] !== undefined))
    default:
      return send(res, 404, { ok: false, error: 'bad-request', leader: null, message: `no route POST ${path}` })
  }
}

async function clientRequest(node: RaftNode, options: HttpOptions, path: string, body: Record<string, unknown>, forwarded: boolean): Promise<KvReply> {
  if (!('key' in body) && path !== '/kv/txn') throw new BadRequest(`${path} needs a key`)
  if (path === '/kv/read') {
    if (options.bug === 'stale-read') return node.localRead(body.key)
    if (node.isLeader) return node.read(body.key)
  } else if (node.isLeader) {
    return node.propose(toCommand(path, body))
  }
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

function toCommand(path: string, body: Record<string, unknown>): Command {
  switch (path) {
    case '/kv/write':
      return { op: 'write', key: body.key, value: body.value ?? null }
    case '/kv/cas':
      return { op: 'cas', key: body.key, from: body.from ?? null, to: body.to ?? null }
    default:
      if (!isMicroOpList(body.ops)) throw new BadRequest(`/kv/txn needs ops: a list of ['append'|'r'|'w', key, value]`)
      return { op: 'txn', ops: body.ops }
  }
}
