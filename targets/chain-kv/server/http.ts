/**
 * The HTTP/1.1 (keep-alive, JSON) face of a node, one port for everything:
 * the client API under /kv/*, GET /status, the chain protocol under /chain/*
 * (heartbeats from the master, forwards, snapshots and acks between
 * neighbours), and the master's Raft RPCs under /raft/*. See ../README.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { BadRequest, readJson, send } from '../../server-kit/json-http.js'
import type { AppendEntriesArgs, InstallSnapshotArgs, RequestVoteArgs } from '../../raft-kv/server/messages.js'
import type { RaftNode } from '../../raft-kv/server/raft.js'
import type { ChainNode } from './chain.js'
import type { AckArgs, ForwardArgs, HeartbeatArgs, KvReply, Operation, SnapshotArgs } from './messages.js'



export function createHttpServer(chain: ChainNode, raft: RaftNode): Server {
  const server = createServer((req, res) => {
    handle(chain, raft, req, res).catch((err: unknown) => {
      const bad = err instanceof BadRequest
      send(res, bad ? 400 : 500, { ok: false, error: 'bad-request', message: String((err as Error).message ?? err) })
    })
  })
  server.keepAliveTimeout = 60_000
  server.headersTimeout = 65_000
  return server
}

async function handle(chain: ChainNode, raft: RaftNode, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method === 'GET' && path === '/status') return send(res, 200, chain.status())
  if (req.method !== 'POST') return send(res, 404, { ok: false, error: 'bad-request', message: `no route ${req.method} ${path}` })
  const body = await readJson(req)
  const rpc: unknown = body // peers are trusted to send well-formed messages
  switch (path) {
    case '/kv/read':
      if (!('key' in body)) throw new BadRequest('/kv/read needs a key')
      return send(res, 200, await chain.read(body.key))
    case '/kv/write':
    case '/kv/cas':
    case '/kv/append':
      return send(res, 200, await chain.submit(toOperation(path, body)))
    case '/chain/heartbeat':
      return send(res, 200, chain.handleHeartbeat(rpc as HeartbeatArgs))
    case '/chain/forward':
      return send(res, 200, chain.handleForward(rpc as ForwardArgs))
    case '/chain/snapshot':
      return send(res, 200, chain.handleSnapshot(rpc as SnapshotArgs))
    case '/chain/ack':
      return send(res, 200, chain.handleAck(rpc as AckArgs))
    case '/raft/vote':
      return send(res, 200, raft.handleRequestVote(rpc as RequestVoteArgs))
    case '/raft/append':
      return send(res, 200, raft.handleAppendEntries(rpc as AppendEntriesArgs))
    case '/raft/snapshot':
      return send(res, 200, raft.handleInstallSnapshot(rpc as InstallSnapshotArgs))
    default:
      return send(res, 404, { ok: false, error: 'bad-request', message: `no route POST ${path}` } satisfies Partial<KvReply>)
  }
}

function toOperation(path: string, body: Record<string, unknown>): Operation {
  if (!('key' in body)) throw new BadRequest(`${path} needs a key`)
  switch (path) {
    case '/kv/write':
      return { op: 'write', key: body.key, value: body.value ?? null }
    case '/kv/cas':
      return { op: 'cas', key: body.key, from: body.from ?? null, to: body.to ?? null }
    default:
      return { op: 'append', key: body.key, value: body.value ?? null }
  }
}
